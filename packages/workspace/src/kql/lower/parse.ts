// parse / parse-where: the pattern becomes one regular expression (Kusto and DuckDB both use RE2), each
// extracted column a capture group of it. A string that does not match leaves every column empty: "" for
// strings, null for the typed ones (whose conversion of "" fails), as Kusto leaves them.

import type { KustoType } from "@svcmap/model";
import type { SyntaxNode } from "../analyse/kusto-language.js";
import { child, elementsOf, kindOf, textOf } from "../analyse/syntax.js";
import type { ExprLowerer, RowScope } from "./expressions.js";
import { lowerLiteral, nameText } from "./expressions.js";
import { asString, captureGroups } from "./functions.js";
import { call, lit, type Column, type Expr, type Rel } from "./ir.js";

/** What a typed column's text must look like; the conversion then cannot fail on a match. */
const typedPatterns: Partial<Record<KustoType, { pattern: string; convert?: string }>> = {
  string: { pattern: ".*?" },
  long: { pattern: "-?\\d+", convert: "tolong" },
  int: { pattern: "-?\\d+", convert: "toint" },
  real: { pattern: "-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?", convert: "toreal" },
};

const regexSpecials = /[.*+?^${}()|[\]\\]/g;

export function lowerParse(
  lowerer: ExprLowerer,
  input: Rel,
  operator: SyntaxNode,
  columns: readonly Column[],
  scope: RowScope,
  keepUnmatched: boolean,
): Rel {
  const ctx = lowerer.ctx;
  let kind = "simple";
  let flags = "";
  for (const parameter of elementsOf<SyntaxNode>(child(operator, "Parameters"))) {
    const name = textOf(child<SyntaxNode>(parameter, "Name") as SyntaxNode).toLowerCase();
    const value = textOf(child<SyntaxNode>(parameter, "Expression") as SyntaxNode).replace(
      /^["']|["']$/g,
      "",
    );
    if (name === "kind") kind = value.toLowerCase();
    else if (name === "flags") flags = value;
    else throw ctx.notSupported(`parse ${name}=`, parameter);
  }
  if (kind !== "simple" && kind !== "regex") throw ctx.notSupported(`parse kind=${kind}`, operator);
  if (!/^[imsU]*$/.test(flags)) throw ctx.notSupported(`the regex flags '${flags}'`, operator);

  const text = asString(lowerer.lower(child<SyntaxNode>(operator, "Expression") as SyntaxNode, scope));
  const patterns = elementsOf<SyntaxNode>(child(operator, "Patterns"));
  let regex = "";
  const extracted: { name: string; type: KustoType; group: number }[] = [];
  patterns.forEach((node, i) => {
    const nodeKind = kindOf(node);
    const last = i === patterns.length - 1;
    if (nodeKind === "StarExpression") {
      regex += last ? ".*" : ".*?";
      return;
    }
    if (nodeKind === "NameDeclaration" || nodeKind === "NameAndTypeDeclaration") {
      const nameNode =
        nodeKind === "NameDeclaration" ? node : (child<SyntaxNode>(node, "Name") as SyntaxNode);
      const name = nameText(nameNode);
      const type = columns.find((c) => c.name === name)?.type ?? "string";
      const typed = typedPatterns[type];
      if (typed === undefined) throw ctx.notSupported(`parse into a column of type ${type}`, node);
      // A string column at the end takes the rest of the text.
      regex += `(${last && type === "string" ? ".*" : typed.pattern})`;
      extracted.push({ name, type, group: extracted.length + 1 });
      return;
    }
    const constant = lowerLiteral(node, ctx);
    if (constant.kind !== "literal" || typeof constant.literal.value !== "string")
      throw ctx.notSupported("this parse pattern element", node);
    const value = constant.literal.value;
    // A user's own capture group would shift the numbering of ours (and one that cannot be read for certain,
    // named groups among them, might).
    if (kind === "regex" && captureGroups(value) !== 0)
      throw ctx.notSupported("a capturing group in a parse regex", node);
    if (last) throw ctx.notSupported("a parse pattern that ends with a string constant", node);
    regex += kind === "regex" ? value : value.replace(regexSpecials, "\\$&");
  });
  // Simple patterns find their delimiters anywhere, line breaks included; regex ones follow their flags.
  const allFlags = kind === "simple" ? "s" : flags;
  const pattern = `${allFlags === "" ? "" : `(?${allFlags})`}^${regex}$`;
  const patternLiteral = lit({ type: "string", value: pattern });
  const values = new Map<string, Expr>();
  for (const column of extracted) {
    const raw = call(
      "extract",
      "string",
      patternLiteral,
      lit({ type: "long", value: BigInt(column.group) }),
      text,
    );
    const convert = typedPatterns[column.type]?.convert;
    values.set(column.name, convert === undefined ? raw : call(convert, column.type, raw));
  }
  const items = columns.map((column) => {
    const expr = values.get(column.name) ?? scope.columns.get(column.name);
    if (expr === undefined) throw ctx.notSupported(`the column ${column.name} of parse`, operator);
    return { name: column.name, expr };
  });
  const rows: Rel = keepUnmatched
    ? input
    : {
        kind: "filter",
        input,
        condition: call("matches_regex", "bool", text, patternLiteral),
        columns: input.columns,
      };
  return { kind: "project", input: rows, items, columns };
}
