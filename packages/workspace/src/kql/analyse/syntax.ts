import { kustoLanguage, type SyntaxNode } from "./kusto-language.js";

export type SyntaxKindName = keyof typeof Kusto.Language.Syntax.SyntaxKind;

let kindNames: Map<number, string> | undefined;

/** The name of a node's SyntaxKind, e.g. "FilterOperator". */
export function kindOf(node: SyntaxNode | Kusto.Language.Syntax.SyntaxElement): string {
  if (kindNames === undefined) {
    kindNames = new Map();
    for (const [name, value] of Object.entries(kustoLanguage().Syntax.SyntaxKind)) {
      if (typeof value === "number") kindNames.set(value, name);
    }
  }
  return kindNames.get(node.Kind) ?? `Kind${node.Kind}`;
}

/** The elements of a syntax list or symbol list, unwrapping separated elements. */
export function elementsOf<T>(list: unknown): T[] {
  if (list === null || list === undefined) return [];
  const items = bridge().toArray(list) as unknown[];
  return items.map((item) =>
    item !== null && typeof item === "object" && "Element$1" in item
      ? (item as { Element$1: T }).Element$1
      : (item as T),
  );
}

function bridge(): { toArray(list: unknown): unknown[] } {
  kustoLanguage();
  return (globalThis as unknown as { Bridge: { toArray(list: unknown): unknown[] } }).Bridge;
}

/** Reads a typed child property of a node: the d.ts declares them per node class. */
export function child<T = SyntaxNode>(node: unknown, property: string): T | null {
  if (node === null || node === undefined) return null;
  const value = (node as Record<string, unknown>)[property];
  return (value ?? null) as T | null;
}

export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let i = 0; i < node.ChildCount; i++) {
    const c = node.GetChild(i);
    if (c !== null && !c.IsToken) out.push(c as SyntaxNode);
  }
  return out;
}

/** Every node below `node`, depth first. */
export function* descendants(node: SyntaxNode): Generator<SyntaxNode> {
  for (const c of childrenOf(node)) {
    yield c;
    yield* descendants(c);
  }
}

export function textOf(node: SyntaxNode): string {
  return node.ToString(kustoLanguage().Syntax.IncludeTrivia.Minimal) ?? "";
}

export interface TypeInfo {
  readonly name: string;
  readonly isTabular: boolean;
}

export function resultTypeOf(node: SyntaxNode): Kusto.Language.Symbols.TypeSymbol | null {
  return (node as Kusto.Language.Syntax.Expression).ResultType ?? null;
}

export function tableColumnsOf(
  type: Kusto.Language.Symbols.TypeSymbol | null,
): { name: string; type: string }[] | undefined {
  const columns = (type as Kusto.Language.Symbols.TableSymbol | null)?.Columns;
  if (columns === undefined || columns === null) return undefined;
  return elementsOf<Kusto.Language.Symbols.ColumnSymbol>(columns).map((c) => ({
    name: c.Name ?? "",
    type: c.Type?.Name ?? "unknown",
  }));
}
