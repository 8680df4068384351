import type { SyntaxNode } from "../analyse/kusto-language.js";
import { QueryError } from "../errors.js";
import { child, elementsOf, textOf } from "../analyse/syntax.js";
import type { ExprLowerer, RowScope } from "./expressions.js";
import { resultKustoType } from "./expressions.js";
import type { KustoType } from "@svcmap/model";
import { call, lit, typeOf, type Expr, type Literal, type Rel } from "./ir.js";

type Builder = (args: Expr[], info: CallInfo) => Expr;

interface CallInfo {
  readonly node: SyntaxNode;
  readonly lowerer: ExprLowerer;
  readonly argNodes: readonly SyntaxNode[];
  readonly scope: RowScope;
}

export function functionName(node: SyntaxNode): string {
  const symbol = (node as Kusto.Language.Syntax.FunctionCallExpression).ReferencedSymbol;
  return symbol?.Name ?? textOf(child<SyntaxNode>(node, "Name") as SyntaxNode);
}

export function argumentNodes(node: SyntaxNode): SyntaxNode[] {
  return elementsOf<SyntaxNode>(child(child(node, "ArgumentList"), "Expressions"));
}

/** Converts any value to Kusto's string form; strings pass through. */
export function asString(expr: Expr): Expr {
  return typeOf(expr) === "string" ? expr : call("tostring", "string", expr);
}

function constantString(expr: Expr, what: string, info: CallInfo): string {
  if (expr.kind === "literal" && typeof expr.literal.value === "string") return expr.literal.value;
  throw info.lowerer.ctx.notSupported(`${what} that is not a constant string`, info.node);
}

const nowOf = (info: CallInfo): Expr =>
  lit({ type: "datetime", value: info.lowerer.ctx.nowMicros, sinceNow: 0n });

const builders: Readonly<Record<string, Builder>> = {
  now: (args, info) => {
    const offset = args[0];
    return offset === undefined ? nowOf(info) : call("datetime_add", "datetime", nowOf(info), offset);
  },
  ago: (args, info) => {
    const span = args[0] as Expr;
    if (span.kind === "literal" && typeof span.literal.value === "bigint") {
      const sinceNow = -(span.literal.value / 10n);
      return lit({ type: "datetime", value: info.lowerer.ctx.nowMicros + sinceNow, sinceNow });
    }
    return call("datetime_add", "datetime", nowOf(info), call("neg", "timespan", span));
  },
  iff: (args, info) => conditional(args, info),
  iif: (args, info) => conditional(args, info),
  case: (args, info) => {
    const whens: { when: Expr; then: Expr }[] = [];
    for (let i = 0; i + 1 < args.length; i += 2)
      whens.push({ when: args[i] as Expr, then: args[i + 1] as Expr });
    return {
      kind: "case",
      whens,
      otherwise: args[args.length - 1] as Expr,
      type: resultKustoType(info.node, info.lowerer.ctx),
    };
  },
  strcat: (args) => call("strcat", "string", ...args.map(asString)),
  strcat_delim: (args) => call("strcat_delim", "string", ...args.map(asString)),
  tostring: (args) => asString(args[0] as Expr),
  bin: (args, info) => binOf(args, info),
  floor: (args, info) => binOf(args, info),
  datetime_part: (args, info) => {
    const part = constantString(args[0] as Expr, "datetime_part's part", info).toLowerCase();
    return call(`datetime_part:${part}`, "int", args[1] as Expr);
  },
  datetime_diff: (args, info) => {
    const part = constantString(args[0] as Expr, "datetime_diff's part", info).toLowerCase();
    return call(`datetime_diff:${part}`, "long", args[1] as Expr, args[2] as Expr);
  },
  datetime_add: (args, info) => {
    const part = constantString(args[0] as Expr, "datetime_add's part", info).toLowerCase();
    return call(`datetime_add_part:${part}`, "datetime", args[1] as Expr, args[2] as Expr);
  },
  format_datetime: (args, info) => {
    const format = constantString(args[1] as Expr, "format_datetime's format", info);
    return call(`format_datetime:${format}`, "string", args[0] as Expr);
  },
  column_ifexists: (args, info) => {
    const name = constantString(args[0] as Expr, "column_ifexists's column name", info);
    return info.scope.columns.get(name) ?? (args[1] as Expr);
  },
  columnifexists: (args, info) => {
    const name = constantString(args[0] as Expr, "columnifexists's column name", info);
    return info.scope.columns.get(name) ?? (args[1] as Expr);
  },
  pack: (args, info) => pack(args, info),
  bag_pack: (args, info) => pack(args, info),
  pack_dictionary: (args, info) => pack(args, info),
  extract: (args, info) => {
    const pattern = constantString(args[0] as Expr, "extract's regular expression", info);
    return call(
      "extract",
      "string",
      lit({ type: "string", value: pattern }),
      args[1] as Expr,
      asString(args[2] as Expr),
    );
  },
  row_number: (args, info) => {
    if (args.length > 0) throw info.lowerer.ctx.notSupported("row_number() with arguments", info.node);
    return windowCall("row_number", "long", [], info);
  },
  prev: (args, info) => shifted("prev", args, info),
  next: (args, info) => shifted("next", args, info),
  row_cumsum: (args, info) => {
    if (args.length > 1) throw info.lowerer.ctx.notSupported("row_cumsum() with a restart", info.node);
    return windowCall("row_cumsum", resultKustoType(info.node, info.lowerer.ctx), args, info);
  },
  week_of_year: (args) => call("datetime_part:week_of_year", "int", args[0] as Expr),
  gettype: (args) => {
    const value = args[0] as Expr;
    const type = typeOf(value);
    return type === "dynamic"
      ? call("gettype_dynamic", "string", value)
      : lit({ type: "string", value: type });
  },
  extract_all: (args, info) => {
    if (args.length !== 2)
      throw info.lowerer.ctx.notSupported("extract_all() with capture groups chosen", info.node);
    const pattern = constantString(args[0] as Expr, "extract_all's regular expression", info);
    if (captureGroups(pattern) !== 1)
      throw info.lowerer.ctx.notSupported("extract_all() with other than one capture group", info.node);
    return call("extract_all", "dynamic", lit({ type: "string", value: pattern }), asString(args[1] as Expr));
  },
  isempty: (args) => emptiness(args[0] as Expr, false),
  isnotempty: (args) => emptiness(args[0] as Expr, true),
  notempty: (args) => emptiness(args[0] as Expr, true),
  isnull: (args) => call("isnull", "bool", args[0] as Expr),
  isnotnull: (args) => call("not", "bool", call("isnull", "bool", args[0] as Expr)),
  notnull: (args) => call("not", "bool", call("isnull", "bool", args[0] as Expr)),
};

const aliases: Readonly<Record<string, string>> = {
  todouble: "toreal",
  toint: "toint",
  parse_json: "todynamic",
  todynamic: "todynamic",
  toobject: "todynamic",
  array_length: "array_length",
  arraylength: "array_length",
  timespan: "totimespan",
  totime: "totimespan",
  todate: "todatetime",
  ceiling: "ceiling",
  dayofweek: "dayofweek",
  string_size: "strlen",
  makeset: "make_set",
  makelist: "make_list",
  toboolean: "tobool",
  extractall: "extract_all",
};

export function scalarFunction(node: SyntaxNode, scope: RowScope, lowerer: ExprLowerer): Expr {
  const expansion = (node as Kusto.Language.Syntax.FunctionCallExpression).GetExpansion?.();
  if (expansion) {
    const expanded = lowerer.expandCall(node, expansion as SyntaxNode, scope);
    if ("kind" in expanded && isExpr(expanded)) return expanded;
    throw lowerer.ctx.notSupported("a tabular function call in a scalar position", node);
  }
  const name = functionName(node);
  const argNodes = argumentNodes(node);
  const args = argNodes.map((a) => lowerer.lower(a, scope));
  const info: CallInfo = { node, lowerer, argNodes, scope };
  const builder = builders[name];
  if (builder !== undefined) return builder(args, info);
  const canonical = aliases[name] ?? name;
  return {
    kind: "call",
    fn: canonical,
    args,
    type: resultKustoType(node, lowerer.ctx),
    at: lowerer.ctx.positionOf(node),
  };
}

function isExpr(value: Expr | Rel): value is Expr {
  return ["column", "literal", "call", "case", "in-relation", "scalar-subquery"].includes(value.kind);
}

/**
 * A window function over the serialized order of the rows: `window:NAME` with the function's own arguments,
 * then a (key, descending, nulls first) triple per sort key, for the dialect's OVER (ORDER BY …).
 */
function windowCall(name: string, type: KustoType, args: readonly Expr[], info: CallInfo): Expr {
  const order = info.scope.order;
  if (order === undefined || order === "unknown")
    throw info.lowerer.ctx.notSupported(`${name}() here`, info.node);
  if (order === "unserialized") {
    const where = info.lowerer.ctx.positionOf(info.node);
    const message = `Function '${name}' cannot be invoked in current context. Details: the row set must be serialized`;
    throw new QueryError("SemanticError", `${message} (line ${where.line}, column ${where.column})`, [
      { code: "SemanticError", message, ...where },
    ]);
  }
  const keys = order.flatMap((k) => [
    k.expr,
    lit({ type: "bool", value: k.descending }),
    lit({ type: "bool", value: k.nullsFirst }),
  ]);
  return { kind: "call", fn: `window:${name}`, args: [...args, ...keys], type };
}

/** prev(x, offset = 1, default = null) / next(…): the value `offset` rows before or after. */
function shifted(name: "prev" | "next", args: Expr[], info: CallInfo): Expr {
  const [value, offset, fallback] = args as [Expr, Expr | undefined, Expr | undefined];
  const type = resultKustoType(info.node, info.lowerer.ctx);
  const nullOf = lit({ type, value: type === "string" ? "" : null } as Literal);
  return windowCall(
    name,
    type,
    [value, offset ?? lit({ type: "long", value: 1n }), fallback ?? nullOf],
    info,
  );
}

function conditional(args: Expr[], info: CallInfo): Expr {
  return {
    kind: "case",
    whens: [{ when: args[0] as Expr, then: args[1] as Expr }],
    otherwise: args[2] as Expr,
    type: resultKustoType(info.node, info.lowerer.ctx),
  };
}

function binOf(args: Expr[], info: CallInfo): Expr {
  const value = args[0] as Expr;
  const size = args[1] as Expr;
  const type = typeOf(value);
  if (type === "datetime") {
    if (size.kind !== "literal" || typeof size.literal.value !== "bigint") {
      throw info.lowerer.ctx.notSupported("bin() of a datetime by a non-constant timespan", info.node);
    }
    return call("bin_datetime", "datetime", value, size);
  }
  return call("bin_number", resultKustoType(info.node, info.lowerer.ctx), value, size);
}

function pack(args: Expr[], info: CallInfo): Expr {
  // Keys computed per row must be strings; Kusto refuses others, and the analyser has already said so.
  for (let i = 0; i < args.length; i += 2)
    if (typeOf(args[i] as Expr) !== "string") constantString(args[i] as Expr, "a pack() key", info);
  return call("pack", "dynamic", ...args);
}

/** Kusto's isempty: null, or the empty string (for strings); dynamic empties are "" too. */
function emptiness(value: Expr, negate: boolean): Expr {
  const test = call("isempty", "bool", value);
  return negate ? call("not", "bool", test) : test;
}

/**
 * The capturing groups of a regular expression: "(" not escaped, outside a character class, and not "(?…". Anything this cannot read for certain counts as unknown (-1), named groups too, as the
 * regular expression engine spells them differently.
 */
export function captureGroups(pattern: string): number {
  let groups = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      if (pattern[i + 1] === "]") i++;
      continue;
    }
    if (c !== "(") continue;
    if (pattern[i + 1] !== "?") groups++;
    else if (!/^\(\?(:|=|!|<=|<!|[a-zA-Z-]+[:)])/.test(pattern.slice(i))) return -1;
  }
  return groups;
}
