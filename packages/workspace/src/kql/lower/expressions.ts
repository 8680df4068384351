import type { KustoType } from "@svcmap/model";
import type { SyntaxNode } from "../analyse/kusto-language.js";
import { child, elementsOf, kindOf, resultTypeOf, textOf } from "../analyse/syntax.js";
import { toKustoType, type LoweringContext } from "./context.js";
import { scalarFunction } from "./functions.js";
import { call, lit, typeOf, type Expr, type Rel, type SortKey } from "./ir.js";
import { parseDatetimeMicros, timespanLiteral } from "./literals.js";

/** The columns and values a scalar expression can see: the current row's columns by name. */
export interface RowScope {
  readonly columns: ReadonlyMap<string, Expr>;
  /**
   * For window functions (row_number, prev, …): the order of a serialized input, "unserialized" when the
   * input has no order, "unknown" when it has one that is not expressible here. Absent: not a row context.
   */
  readonly order?: RowOrder;
}

export type RowOrder = readonly SortKey[] | "unserialized" | "unknown";

export type TabularLowerer = (node: SyntaxNode) => Rel;

export interface ExprLowerer {
  readonly ctx: LoweringContext;
  lower(node: SyntaxNode, scope: RowScope): Expr;
  lowerTabular: TabularLowerer;
  /** A call of a user function (let f = (…) { … }): its body, with its parameters bound to the arguments. */
  expandCall(call: SyntaxNode, expansion: SyntaxNode, scope: RowScope): Expr | Rel;
}

export function resultKustoType(node: SyntaxNode, ctx: LoweringContext): KustoType {
  const name = resultTypeOf(node)?.Name;
  const type = toKustoType(name);
  if (type === undefined) throw ctx.notSupported(`an expression of type ${name ?? "unknown"}`, node);
  return type;
}

const binaryOperators: Readonly<Record<string, string>> = {
  EqualExpression: "eq",
  NotEqualExpression: "ne",
  LessThanExpression: "lt",
  LessThanOrEqualExpression: "le",
  GreaterThanExpression: "gt",
  GreaterThanOrEqualExpression: "ge",
  AndExpression: "and",
  OrExpression: "or",
  EqualTildeExpression: "eq_ci",
  BangTildeExpression: "ne_ci",
  HasExpression: "has",
  NotHasExpression: "!has",
  HasCsExpression: "has_cs",
  NotHasCsExpression: "!has_cs",
  HasPrefixExpression: "hasprefix",
  NotHasPrefixExpression: "!hasprefix",
  HasPrefixCsExpression: "hasprefix_cs",
  NotHasPrefixCsExpression: "!hasprefix_cs",
  HasSuffixExpression: "hassuffix",
  NotHasSuffixExpression: "!hassuffix",
  HasSuffixCsExpression: "hassuffix_cs",
  NotHasSuffixCsExpression: "!hassuffix_cs",
  ContainsExpression: "contains",
  NotContainsExpression: "!contains",
  ContainsCsExpression: "contains_cs",
  NotContainsCsExpression: "!contains_cs",
  StartsWithExpression: "startswith",
  NotStartsWithExpression: "!startswith",
  StartsWithCsExpression: "startswith_cs",
  NotStartsWithCsExpression: "!startswith_cs",
  EndsWithExpression: "endswith",
  NotEndsWithExpression: "!endswith",
  EndsWithCsExpression: "endswith_cs",
  NotEndsWithCsExpression: "!endswith_cs",
  MatchesRegexExpression: "matches_regex",
  LikeExpression: "like",
  NotLikeExpression: "!like",
};

const arithmetic = new Set([
  "AddExpression",
  "SubtractExpression",
  "MultiplyExpression",
  "DivideExpression",
  "ModuloExpression",
]);

export function lowerScalar(node: SyntaxNode, scope: RowScope, lowerer: ExprLowerer): Expr {
  const ctx = lowerer.ctx;
  const kind = kindOf(node);
  switch (kind) {
    case "ParenthesizedExpression":
      return lowerer.lower(child<SyntaxNode>(node, "Expression") as SyntaxNode, scope);
    case "NameReference":
    case "BracketedExpression":
      return lowerName(node, scope, lowerer);
    case "StringLiteralExpression":
    case "LongLiteralExpression":
    case "IntLiteralExpression":
    case "RealLiteralExpression":
    case "DecimalLiteralExpression":
    case "BooleanLiteralExpression":
    case "DateTimeLiteralExpression":
    case "TimespanLiteralExpression":
    case "GuidLiteralExpression":
    case "DynamicExpression":
    case "CompoundStringLiteralExpression":
    case "NullLiteralExpression":
      return lowerLiteral(node, ctx);
    case "UnaryMinusExpression": {
      const operand = lowerer.lower(child<SyntaxNode>(node, "Expression") as SyntaxNode, scope);
      if (operand.kind === "literal" && typeof operand.literal.value === "number") {
        return lit({ ...operand.literal, value: -operand.literal.value } as typeof operand.literal);
      }
      if (operand.kind === "literal" && typeof operand.literal.value === "bigint") {
        return lit({ ...operand.literal, value: -operand.literal.value } as typeof operand.literal);
      }
      return call("neg", typeOf(operand), operand);
    }
    case "UnaryPlusExpression":
      return lowerer.lower(child<SyntaxNode>(node, "Expression") as SyntaxNode, scope);
    case "FunctionCallExpression":
      return scalarFunction(node, scope, lowerer);
    case "PathExpression": {
      const target = lowerer.lower(child<SyntaxNode>(node, "Expression") as SyntaxNode, scope);
      const selector = textOf(child<SyntaxNode>(node, "Selector") as SyntaxNode).replace(
        /^\['|'\]$|^\["|"\]$/g,
        "",
      );
      return dynamicMember(
        target,
        { kind: "literal", literal: { type: "string", value: selector } },
        ctx,
        node,
      );
    }
    case "ElementExpression": {
      const target = lowerer.lower(child<SyntaxNode>(node, "Expression") as SyntaxNode, scope);
      const brackets = child<SyntaxNode>(node, "Selector") as SyntaxNode;
      const inner =
        child<SyntaxNode>(brackets, "Expression") ??
        elementsOf<SyntaxNode>(child(brackets, "Expressions"))[0];
      if (inner === undefined) throw ctx.notSupported("an empty element selector", node);
      return dynamicMember(target, lowerer.lower(inner, scope), ctx, node);
    }
    case "InExpression":
    case "NotInExpression":
    case "InCsExpression":
    case "NotInCsExpression":
      return lowerIn(node, kind, scope, lowerer);
    case "HasAnyExpression":
    case "HasAllExpression": {
      const value = lowerer.lower(child<SyntaxNode>(node, "Left") as SyntaxNode, scope);
      const terms = elementsOf<SyntaxNode>(child(child(node, "Right"), "Expressions")).map((t) =>
        lowerer.lower(t, scope),
      );
      const joiner = kind === "HasAnyExpression" ? "or" : "and";
      const tests = terms.map((term) => call("has", "bool", value, term));
      if (tests.length === 0) return lit({ type: "bool", value: kind === "HasAllExpression" });
      return tests.reduce((x, y) => call(joiner, "bool", x, y));
    }
    case "BetweenExpression":
    case "NotBetweenExpression": {
      const value = lowerer.lower(child<SyntaxNode>(node, "Left") as SyntaxNode, scope);
      // The range is an ExpressionCouple: `(First .. Second)`.
      const range = child<SyntaxNode>(node, "Right") as SyntaxNode;
      const low = lowerer.lower(child<SyntaxNode>(range, "First") as SyntaxNode, scope);
      const second = lowerer.lower(child<SyntaxNode>(range, "Second") as SyntaxNode, scope);
      // `t between (start .. 1h)`: a timespan after a datetime is the range's length.
      const high =
        typeOf(low) === "datetime" && typeOf(second) === "timespan"
          ? call("datetime_add", "datetime", low, second)
          : second;
      const inside = call("and", "bool", call("ge", "bool", value, low), call("le", "bool", value, high));
      return kind === "BetweenExpression" ? inside : call("not", "bool", inside);
    }
    case "ToScalarExpression": {
      const rel = lowerer.lowerTabular(child<SyntaxNode>(node, "Expression") as SyntaxNode);
      const first = rel.columns[0];
      if (first === undefined) throw ctx.notSupported("toscalar() of a table without columns", node);
      return { kind: "scalar-subquery", relation: rel, type: first.type };
    }
    default:
      break;
  }
  if (arithmetic.has(kind)) return lowerArithmetic(node, kind, scope, lowerer);
  const op = binaryOperators[kind];
  if (op !== undefined) {
    const left = lowerer.lower(child<SyntaxNode>(node, "Left") as SyntaxNode, scope);
    const right = lowerer.lower(child<SyntaxNode>(node, "Right") as SyntaxNode, scope);
    if (op.startsWith("!")) return call("not", "bool", call(op.slice(1), "bool", left, right));
    return call(op, "bool", left, right);
  }
  throw ctx.notSupported(
    `the expression ${kind.replace(/Expression$/, "")} ('${textOf(node).slice(0, 40)}')`,
    node,
  );
}

const columnSymbolKind = 9;

function lowerName(node: SyntaxNode, scope: RowScope, lowerer: ExprLowerer): Expr {
  const symbol = (node as Kusto.Language.Syntax.NameReference).ReferencedSymbol;
  const name = kindOf(node) === "BracketedExpression" ? evalStringConstant(node, lowerer) : nameText(node);
  if (symbol?.Kind !== columnSymbolKind) {
    const binding = lowerer.ctx.lookup(symbol, name);
    if (binding?.kind === "scalar") return binding.expr;
  }
  const column = scope.columns.get(name);
  if (column !== undefined) return column;
  throw lowerer.ctx.notSupported(`the name '${name}' here`, node);
}

function evalStringConstant(node: SyntaxNode, lowerer: ExprLowerer): string {
  const inner = child<SyntaxNode>(node, "Expression") as SyntaxNode;
  const expr = lowerLiteral(inner, lowerer.ctx);
  if (expr.kind === "literal" && typeof expr.literal.value === "string") return expr.literal.value;
  throw lowerer.ctx.notSupported("a computed column name", node);
}

/** The plain name of a NameReference or NameDeclaration, without Kusto's ['…'] quoting. */
export function nameText(node: SyntaxNode): string {
  const own = (node as unknown as { SimpleName?: string }).SimpleName;
  if (typeof own === "string" && own !== "") return own;
  const nameNode = child<SyntaxNode>(node, "Name");
  const simple = (nameNode as unknown as { SimpleName?: string } | null)?.SimpleName;
  if (typeof simple === "string") return simple;
  const raw = textOf(nameNode ?? node);
  const bracketed = /^\[\s*(['"])(.*)\1\s*\]$/.exec(raw);
  return bracketed ? (bracketed[2] ?? raw) : raw;
}

export function lowerLiteral(node: SyntaxNode, ctx: LoweringContext): Expr {
  const kind = kindOf(node);
  const info = (node as Kusto.Language.Syntax.LiteralExpression).LiteralValueInfo;
  const valueText = info?.ValueText ?? "";
  const isNull = valueText === "null";
  switch (kind) {
    case "StringLiteralExpression":
    case "CompoundStringLiteralExpression":
      return lit({ type: "string", value: String(info?.Value ?? valueText) });
    case "LongLiteralExpression":
      return lit({ type: "long", value: isNull ? null : integerValue(valueText) });
    case "IntLiteralExpression":
      return lit({ type: "int", value: isNull ? null : Number(integerValue(valueText)) });
    case "RealLiteralExpression":
    case "DecimalLiteralExpression":
      return lit({
        type: kind === "RealLiteralExpression" ? "real" : "decimal",
        value: isNull ? null : realValue(valueText),
      });
    case "BooleanLiteralExpression":
      return lit({ type: "bool", value: isNull ? null : /^true$/i.test(valueText) });
    case "DateTimeLiteralExpression": {
      if (isNull) return lit({ type: "datetime", value: null });
      const micros = parseDatetimeMicros(valueText);
      if (micros === undefined) throw ctx.notSupported(`the datetime literal '${valueText}'`, node);
      return lit({ type: "datetime", value: micros });
    }
    case "TimespanLiteralExpression": {
      if (isNull) return lit({ type: "timespan", value: null });
      const literal = timespanLiteral(valueText);
      if (literal === undefined) throw ctx.notSupported(`the timespan literal '${valueText}'`, node);
      return lit(literal);
    }
    case "GuidLiteralExpression":
      return lit({ type: "guid", value: isNull ? null : valueText.toLowerCase() });
    case "DynamicExpression":
      return lit({
        type: "dynamic",
        value: isNull ? null : JSON.stringify(JSON.parse(normaliseDynamic(valueText))),
      });
    case "NullLiteralExpression":
      return lit({ type: "dynamic", value: null });
    default:
      throw ctx.notSupported(`the literal ${textOf(node)}`, node);
  }
}

function integerValue(text: string): bigint {
  return BigInt(text.trim());
}

function realValue(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === "nan") return Number.NaN;
  if (t === "+inf" || t === "inf") return Number.POSITIVE_INFINITY;
  if (t === "-inf") return Number.NEGATIVE_INFINITY;
  return Number(t);
}

/** dynamic literals allow single-quoted strings and bare datetime/timespan forms; JSON does not. */
function normaliseDynamic(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return text.replace(/'((?:[^'\\]|\\.)*)'/g, (_m, inner: string) =>
      JSON.stringify(inner.replace(/\\'/g, "'")),
    );
  }
}

function lowerArithmetic(node: SyntaxNode, kind: string, scope: RowScope, lowerer: ExprLowerer): Expr {
  const left = lowerer.lower(child<SyntaxNode>(node, "Left") as SyntaxNode, scope);
  const right = lowerer.lower(child<SyntaxNode>(node, "Right") as SyntaxNode, scope);
  const type = resultKustoType(node, lowerer.ctx);
  const lt = typeOf(left);
  const rt = typeOf(right);
  if (kind === "AddExpression") {
    if (lt === "datetime" && rt === "timespan") return call("datetime_add", "datetime", left, right);
    if (lt === "timespan" && rt === "datetime") return call("datetime_add", "datetime", right, left);
  }
  if (kind === "SubtractExpression") {
    if (lt === "datetime" && rt === "datetime") return call("datetime_diff_ticks", "timespan", left, right);
    if (lt === "datetime" && rt === "timespan")
      return call("datetime_add", "datetime", left, call("neg", "timespan", right));
  }
  if (kind === "DivideExpression" && lt === "timespan" && rt === "timespan") {
    return call("div", "real", call("to_real", "real", left), right);
  }
  const fn = {
    AddExpression: "add",
    SubtractExpression: "sub",
    MultiplyExpression: "mul",
    DivideExpression: "div",
    ModuloExpression: "mod",
  }[kind] as string;
  return call(fn, type, left, right);
}

function lowerIn(node: SyntaxNode, kind: string, scope: RowScope, lowerer: ExprLowerer): Expr {
  const value = lowerer.lower(child<SyntaxNode>(node, "Left") as SyntaxNode, scope);
  const negated = kind.startsWith("Not");
  // Kusto.Language names `in~` InCsExpression (and `!in~` NotInCsExpression); plain `in` is case-sensitive.
  const caseInsensitive = kind.includes("Cs");
  const items = elementsOf<SyntaxNode>(child(child(node, "Right"), "Expressions"));
  const first = items[0];
  if (items.length === 1 && first !== undefined && resultTypeOf(first)?.IsTabular === true) {
    const relation = lowerer.lowerTabular(first);
    if (caseInsensitive) throw lowerer.ctx.notSupported("in~ with a tabular operand", node);
    return { kind: "in-relation", value, relation, negated, type: "bool" };
  }
  // A dynamic array among the items stands for its elements: `x in (dynamic(["a", "b"]))`, or a let-bound list.
  const values = items.flatMap((item) => {
    const lowered = lowerer.lower(item, scope);
    return typeOf(lowered) === "dynamic" ? dynamicElements(lowered, lowerer.ctx, item) : [lowered];
  });
  if (values.length === 0) {
    return lit({ type: "bool", value: negated });
  }
  const test = call(caseInsensitive ? "in_ci" : "in", "bool", value, ...values);
  return negated ? call("not", "bool", test) : test;
}

function dynamicElements(list: Expr, ctx: LoweringContext, node: SyntaxNode): Expr[] {
  if (list.kind !== "literal" || list.literal.type !== "dynamic") {
    throw ctx.notSupported("in with a dynamic value computed per row", node);
  }
  if (list.literal.value === null) return [];
  const parsed: unknown = JSON.parse(list.literal.value);
  return (Array.isArray(parsed) ? parsed : [parsed]).map((element: unknown) => {
    if (typeof element === "string") return lit({ type: "string", value: element });
    if (typeof element === "boolean") return lit({ type: "bool", value: element });
    if (typeof element === "number") {
      return Number.isInteger(element)
        ? lit({ type: "long", value: BigInt(element) })
        : lit({ type: "real", value: element });
    }
    throw ctx.notSupported("in with a dynamic element that is not a string, number or bool", node);
  });
}

export function dynamicMember(target: Expr, key: Expr, ctx: LoweringContext, node: SyntaxNode): Expr {
  if (typeOf(target) !== "dynamic") throw ctx.notSupported("member access on a non-dynamic value", node);
  if (key.kind !== "literal") throw ctx.notSupported("a computed dynamic member", node);
  return call("json_member", "dynamic", target, key);
}
