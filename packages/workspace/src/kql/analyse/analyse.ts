import { QueryError, type QueryDiagnostic } from "../errors.js";
import { workspaceGlobalState } from "./global-state.js";
import { kustoLanguage, type SyntaxNode } from "./kusto-language.js";
import { child, descendants, elementsOf, kindOf, textOf } from "./syntax.js";

export interface AnalysedQuery {
  /** The text that was analysed: the user's, or the user's after compatibility rewrites. */
  readonly text: string;
  readonly code: Kusto.Language.KustoCode;
  readonly root: SyntaxNode;
}

/**
 * Parses and analyses a query with Kusto's own parser. Kusto's error diagnostics become the user's error,
 * with positions. Two forms that older workspaces accepted and the seed documents use are rewritten first
 * (see `compatibilityRewrites`). `globals` adds the workspace's stored functions to its tables. Repeated
 * texts are not analysed again: `compile` keeps what it made of them.
 */
export function analyse(
  text: string,
  globals: Kusto.Language.GlobalState = workspaceGlobalState(),
): AnalysedQuery {
  const language = kustoLanguage();
  let current = text;
  let code = language.KustoCode.ParseAndAnalyze(current, globals);
  if (code === null) throw new QueryError("SyntaxError", "the query could not be parsed");
  for (let round = 0; round < 4; round++) {
    const rewritten = compatibilityRewrites(current, code);
    if (rewritten === current) break;
    current = rewritten;
    const next = language.KustoCode.ParseAndAnalyze(current, globals);
    if (next === null) throw new QueryError("SyntaxError", "the query could not be parsed");
    code = next;
  }
  const syntaxErrors = diagnosticsOf(code.GetSyntaxDiagnostics(), current).filter(
    (d) => d.severity === "Error",
  );
  // Syntax errors come first: an unparsed query's semantic errors are mostly their echoes.
  const errors =
    syntaxErrors.length > 0
      ? syntaxErrors
      : diagnosticsOf(code.GetDiagnostics(), current).filter((d) => d.severity === "Error");
  if (errors.length > 0) {
    const first = errors[0] as DiagnosticWithSeverity;
    throw new QueryError(
      syntaxErrors.length > 0 ? "SyntaxError" : "SemanticError",
      `${first.message} (line ${first.line}, column ${first.column})`,
      errors.map(({ severity: _s, category: _c, ...d }) => d),
    );
  }
  return { text: current, code, root: code.Syntax as SyntaxNode };
}

interface DiagnosticWithSeverity extends QueryDiagnostic {
  readonly severity: string;
  readonly category: string;
}

function diagnosticsOf(list: unknown, text: string): DiagnosticWithSeverity[] {
  return elementsOf<Kusto.Language.Diagnostic>(list).map((d) => ({
    code: d.Code ?? "KS000",
    message: d.Message ?? "error",
    severity: d.Severity ?? "Error",
    category: d.Category ?? "",
    ...positionOf(text, d.Start, d.Length),
  }));
}

export function positionOf(
  text: string,
  start: number,
  length: number,
): { start: number; length: number; line: number; column: number } {
  const before = text.slice(0, start);
  const lines = before.split("\n");
  return { start, length, line: lines.length, column: (lines[lines.length - 1] ?? "").length + 1 };
}

/**
 * Forms that today's parser flags but that the workspaces behind the seed documents ran:
 * - `count(X)` in summarize counts the non-null values of X (SQL's COUNT(X)); its column is `count_X`.
 * - `AzureVMSize` is the older name of VMComputer's `AzureSize`.
 * Each rewrite happens only where the analyser reported an error at that spot.
 */
function compatibilityRewrites(text: string, code: Kusto.Language.KustoCode): string {
  const errorStarts = new Set(
    elementsOf<Kusto.Language.Diagnostic>(code.GetDiagnostics())
      .filter((d) => d.Severity === "Error")
      .map((d) => d.Start),
  );
  const edits: { start: number; end: number; replacement: string }[] = [];
  for (const node of descendants(code.Syntax as SyntaxNode)) {
    const kind = kindOf(node);
    if (kind === "FunctionCallExpression") {
      const name = child<SyntaxNode>(node, "Name");
      const args = elementsOf<SyntaxNode>(child(child(node, "ArgumentList"), "Expressions"));
      if (name && textOf(name) === "count" && args.length === 1 && hasErrorWithin(node, errorStarts)) {
        const arg = args[0] as SyntaxNode;
        const argText = textOf(arg);
        const named = node.Parent !== null && kindOf(node.Parent) === "SimpleNamedExpression";
        const columnName = /^[A-Za-z_][A-Za-z0-9_]*$/.test(argText) ? `count_${argText}` : "count_";
        edits.push({
          start: node.TextStart,
          end: node.End,
          replacement: `${named ? "" : `${columnName} = `}countif(isnotnull(${argText}))`,
        });
      }
    } else if (
      kind === "NameReference" &&
      textOf(node) === "AzureVMSize" &&
      errorStarts.has(node.TextStart)
    ) {
      const parentKind = node.Parent === null ? "" : kindOf(node.Parent);
      const named = parentKind === "SimpleNamedExpression";
      edits.push({
        start: node.TextStart,
        end: node.End,
        replacement: named || parentKind !== "SeparatedElement" ? "AzureSize" : "AzureVMSize = AzureSize",
      });
    }
  }
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.replacement + out.slice(edit.end);
  }
  return out;
}

function hasErrorWithin(node: SyntaxNode, errorStarts: ReadonlySet<number>): boolean {
  for (const start of errorStarts) if (start >= node.TextStart && start <= node.End) return true;
  return false;
}
