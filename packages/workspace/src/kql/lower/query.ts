import type { KustoType } from "@svcmap/model";
import type { SyntaxNode } from "../analyse/kusto-language.js";
import { child, elementsOf, kindOf, resultTypeOf, tableColumnsOf, textOf } from "../analyse/syntax.js";
import type { Visualization } from "../result.js";
import { materializedViews, queryableTables } from "../analyse/global-state.js";
import { lowerAggregate, outputCount, toAggregates } from "./aggregates.js";
import { toKustoType, type LoweringContext } from "./context.js";
import {
  lowerScalar,
  nameText,
  lowerLiteral,
  type ExprLowerer,
  type RowOrder,
  type RowScope,
} from "./expressions.js";
import { asString } from "./functions.js";
import { lowerMakeSeries } from "./make-series.js";
import { lowerParse } from "./parse.js";
import { parameterLiteral } from "./literals.js";
import { lowerTopNested } from "./top-nested.js";
import {
  call,
  columnRef,
  columnsIn,
  lit,
  renameColumns,
  typeOf,
  type Column,
  type Expr,
  type JoinKind,
  type Literal,
  type NamedExpr,
  type Rel,
  type SortKey,
} from "./ir.js";

export interface LoweredStatement {
  readonly rel: Rel;
  readonly visualization?: Visualization;
}

/** Lowers Kusto's typed syntax tree, statement by statement, into relations. */
export class QueryLowerer implements ExprLowerer {
  /** The relations `serialize` made: their rows have an order (maybe an arbitrary one) for window functions. */
  private readonly serialized = new WeakSet<Rel>();

  constructor(readonly ctx: LoweringContext) {}

  /**
   * The order of a relation's rows as Kusto serializes them: set by sort/top/serialize, kept by operators
   * that keep rows in place (where, take, project, extend), lost by the rest.
   */
  private orderOf(rel: Rel): RowOrder {
    switch (rel.kind) {
      case "sort":
        return rel.keys;
      case "filter":
      case "limit":
        return this.orderOf(rel.input);
      case "project": {
        const below = this.orderOf(rel.input);
        if (this.serialized.has(rel) && below === "unserialized") return [];
        if (typeof below === "string") return below;
        // The keys read the input's columns: they hold above only where this projection passes them on.
        const passed = new Map<string, string>();
        for (const item of rel.items)
          if (item.expr.kind === "column" && !passed.has(item.expr.name))
            passed.set(item.expr.name, item.name);
        const keys: SortKey[] = [];
        for (const key of below) {
          const names = [...columnsIn(key.expr)];
          if (names.some((n) => !passed.has(n))) return "unknown";
          keys.push({ ...key, expr: renameColumns(key.expr, (n) => passed.get(n) as string) });
        }
        return keys;
      }
      default:
        return "unserialized";
    }
  }

  lowerQuery(root: SyntaxNode): LoweredStatement[] {
    const results: LoweredStatement[] = [];
    for (const statement of elementsOf<SyntaxNode>(child(root, "Statements"))) {
      const kind = kindOf(statement);
      if (kind === "LetStatement") this.lowerLet(statement);
      else if (kind === "ExpressionStatement")
        results.push(this.lowerStatement(child<SyntaxNode>(statement, "Expression") as SyntaxNode));
      else if (kind === "QueryParametersStatement") this.lowerQueryParameters(statement);
      else if (kind === "SetOptionStatement") continue;
      else throw this.ctx.notSupported(`the statement '${textOf(statement).slice(0, 30)}'`, statement);
    }
    return results;
  }

  lower(node: SyntaxNode, scope: RowScope): Expr {
    return lowerScalar(node, scope, this);
  }

  lowerTabular = (node: SyntaxNode): Rel => this.lowerStatement(node).rel;

  /**
   * `declare query_parameters(name:type [= default], …)`: each name stands for the value the request gave
   * it, read as a literal of the declared type, or else for its default; one with neither is an error, as
   * in Kusto.
   */
  private lowerQueryParameters(statement: SyntaxNode): void {
    for (const parameter of elementsOf<SyntaxNode>(child(statement, "Parameters"))) {
      const declaration = child<SyntaxNode>(parameter, "NameAndType");
      const nameNode = child<SyntaxNode>(declaration, "Name") as SyntaxNode;
      const symbol = (nameNode as Kusto.Language.Syntax.NameDeclaration).ReferencedSymbol;
      const name = nameText(nameNode);
      const typeNode = child<SyntaxNode>(declaration, "Type");
      const type = toKustoType(typeNode === null ? undefined : textOf(typeNode).trim());
      if (symbol === null || type === undefined)
        throw this.ctx.notSupported(`the query parameter '${textOf(parameter).trim()}'`, parameter);
      const given = Object.hasOwn(this.ctx.parameters, name) ? this.ctx.parameters[name] : undefined;
      const fallback = child<SyntaxNode>(child(parameter, "DefaultValue"), "Value");
      let expr: Expr;
      if (given !== undefined) {
        const literal = parameterLiteral(type, given);
        if (literal === undefined) throw this.ctx.badParameter(name, type, given, parameter);
        expr = lit(literal);
      } else if (fallback !== null) {
        expr = this.lower(fallback, { columns: new Map() });
      } else {
        throw this.ctx.missingParameter(name, parameter);
      }
      this.ctx.bind(symbol, name, { kind: "scalar", expr });
    }
  }

  private lowerLet(statement: SyntaxNode): void {
    const nameNode = child<SyntaxNode>(statement, "Name") as SyntaxNode;
    const symbol = (nameNode as Kusto.Language.Syntax.NameDeclaration).ReferencedSymbol;
    const expression = child<SyntaxNode>(statement, "Expression") as SyntaxNode;
    if (symbol === null) throw this.ctx.notSupported("this let statement", statement);
    if (kindOf(expression) === "FunctionDeclaration") return; // expanded at each call by the analyser
    const name = nameText(nameNode);
    if (resultTypeOf(expression)?.IsTabular === true) {
      this.ctx.bind(symbol, name, { kind: "tabular", rel: this.lowerStatement(expression).rel });
    } else {
      this.ctx.bind(symbol, name, { kind: "scalar", expr: this.lower(expression, { columns: new Map() }) });
    }
  }

  expandCall(callNode: SyntaxNode, expansion: SyntaxNode, scope: RowScope): Expr | Rel {
    const symbol = (callNode as Kusto.Language.Syntax.FunctionCallExpression)
      .ReferencedSymbol as Kusto.Language.Symbols.FunctionSymbol | null;
    const signature = elementsOf<Kusto.Language.Symbols.Signature>(symbol?.Signatures)[0];
    const parameters = elementsOf<Kusto.Language.Symbols.Parameter>(signature?.Parameters);
    const args = elementsOf<SyntaxNode>(child(child(callNode, "ArgumentList"), "Expressions"));
    const frame = new Map<string, import("./context.js").Binding>();
    parameters.forEach((parameter, i) => {
      const arg = args[i];
      const name = parameter.Name ?? "";
      if (arg === undefined) {
        const fallback = parameter.DefaultValue as SyntaxNode | null;
        if (fallback) frame.set(name, { kind: "scalar", expr: this.lower(fallback, { columns: new Map() }) });
        return;
      }
      frame.set(
        name,
        resultTypeOf(arg)?.IsTabular === true
          ? { kind: "tabular", rel: this.lowerTabular(arg) }
          : { kind: "scalar", expr: this.lower(arg, scope) },
      );
    });
    this.ctx.frames.push(frame);
    try {
      for (const statement of elementsOf<SyntaxNode>(child(expansion, "Statements"))) {
        if (kindOf(statement) !== "LetStatement")
          throw this.ctx.notSupported("this statement in a function body", statement);
        this.lowerLet(statement);
      }
      const body = child<SyntaxNode>(expansion, "Expression") as SyntaxNode;
      if (resultTypeOf(body)?.IsTabular === true) return this.lowerTabular(body);
      return this.lower(body, scope);
    } finally {
      this.ctx.frames.pop();
    }
  }

  /** A tabular expression, with any render at its end. */
  lowerStatement(node: SyntaxNode): LoweredStatement {
    const kind = kindOf(node);
    if (kind === "PipeExpression") {
      const operator = child<SyntaxNode>(node, "Operator") as SyntaxNode;
      const input = this.lowerStatement(child<SyntaxNode>(node, "Expression") as SyntaxNode);
      if (kindOf(operator) === "RenderOperator")
        return { rel: input.rel, visualization: renderOf(operator, this) };
      if (input.visualization !== undefined) throw this.ctx.notSupported("operators after render", operator);
      return { rel: this.applyOperator(input.rel, operator, node) };
    }
    return { rel: this.lowerSource(node) };
  }

  private lowerSource(node: SyntaxNode): Rel {
    const kind = kindOf(node);
    switch (kind) {
      case "ParenthesizedExpression":
        return this.lowerTabular(child<SyntaxNode>(node, "Expression") as SyntaxNode);
      case "NameReference": {
        const symbol = (node as Kusto.Language.Syntax.NameReference).ReferencedSymbol;
        const binding =
          symbol?.Kind === kustoSymbolKind("Table")
            ? symbol !== null
              ? this.ctx.bindings.get(symbol)
              : undefined
            : this.ctx.lookup(symbol, nameText(node));
        if (binding?.kind === "tabular") return binding.rel;
        if (symbol && symbol.Kind === kustoSymbolKind("Table")) {
          return { kind: "table", table: symbol.Name ?? nameText(node), columns: columnsOf(node, this.ctx) };
        }
        throw this.ctx.notSupported(`the table '${nameText(node)}'`, node);
      }
      case "FunctionCallExpression":
        return this.lowerTabularCall(node);
      case "DataTableExpression":
        return this.lowerDataTable(node);
      case "MaterializeExpression": {
        const input = this.lowerTabular(child<SyntaxNode>(node, "Expression") as SyntaxNode);
        return { kind: "shared", id: this.ctx.sharedId(), input, materialized: true, columns: input.columns };
      }
      case "PrintOperator":
      case "SearchOperator":
      case "UnionOperator":
      case "RangeOperator":
        return this.applyOperator(undefined, node, node);
      default:
        throw this.ctx.notSupported(`the tabular expression ${kind}`, node);
    }
  }

  private lowerTabularCall(node: SyntaxNode): Rel {
    const name = (node as Kusto.Language.Syntax.FunctionCallExpression).ReferencedSymbol?.Name ?? "";
    const args = elementsOf<SyntaxNode>(child(child(node, "ArgumentList"), "Expressions"));
    if (name === "materialize") {
      const input = this.lowerTabular(args[0] as SyntaxNode);
      return { kind: "shared", id: this.ctx.sharedId(), input, materialized: true, columns: input.columns };
    }
    if (name === "materialized_view") {
      // The store keeps each materialized view as a table of the same name.
      const text = args[0] ? textOf(args[0]).trim() : "";
      const view = materializedViews().find((v) => `"${v.name}"` === text || `'${v.name}'` === text);
      if (view === undefined) throw this.ctx.notSupported(`materialized_view(${text})`, node);
      return {
        kind: "table",
        table: view.name,
        columns: view.columns.map((c) => ({ name: c.name, type: c.type })),
      };
    }
    if (name === "view" || name === "table") {
      throw this.ctx.notSupported(`${name}()`, node);
    }
    const expansion = (node as Kusto.Language.Syntax.FunctionCallExpression).GetExpansion?.();
    if (expansion) {
      const expanded = this.expandCall(node, expansion as SyntaxNode, { columns: new Map() });
      if ("columns" in expanded && Array.isArray(expanded.columns)) return expanded as Rel;
    }
    throw this.ctx.notSupported(`the function ${name}()`, node);
  }

  private lowerDataTable(node: SyntaxNode): Rel {
    const columns = columnsOf(node, this.ctx);
    const values = elementsOf<SyntaxNode>(child(node, "Values")).map((v) =>
      this.lower(v, { columns: new Map() }),
    );
    const rows: Literal[][] = [];
    for (let i = 0; i < values.length; i += columns.length) {
      rows.push(
        columns.map((column, j) => {
          const value = values[i + j] as Expr;
          if (value.kind !== "literal") throw this.ctx.notSupported("a computed datatable value", node);
          return coerceLiteral(value.literal, column.type);
        }),
      );
    }
    return { kind: "values", columns, rows };
  }

  private applyOperator(input: Rel | undefined, operator: SyntaxNode, pipe: SyntaxNode): Rel {
    const kind = kindOf(operator);
    const columns = columnsOf(pipe, this.ctx);
    const need = (): Rel => {
      if (input === undefined) throw this.ctx.notSupported(`${kind} without input`, operator);
      return input;
    };
    switch (kind) {
      case "FilterOperator": {
        const rel = need();
        return {
          kind: "filter",
          input: rel,
          condition: this.lower(child<SyntaxNode>(operator, "Condition") as SyntaxNode, scopeOf(rel)),
          columns: rel.columns,
        };
      }
      case "ProjectOperator":
      case "ExtendOperator":
      case "ProjectAwayOperator":
      case "ProjectKeepOperator":
      case "ProjectRenameOperator":
      case "ProjectReorderOperator":
      case "PrintOperator":
        return this.lowerProjection(input, operator, kind, columns);
      case "SummarizeOperator":
        return this.lowerSummarize(need(), operator, columns);
      case "CountOperator":
        return {
          kind: "aggregate",
          input: need(),
          groups: [],
          aggregates: [{ name: columns[0]?.name ?? "Count", fn: "count", args: [], type: "long" }],
          columns,
        };
      case "DistinctOperator": {
        const rel = need();
        const items = elementsOf<SyntaxNode>(child(operator, "Expressions"));
        if (items.length === 1 && kindOf(items[0] as SyntaxNode) === "StarExpression")
          return { kind: "distinct", input: rel, columns: rel.columns };
        const scope = scopeOf(rel);
        const projected: NamedExpr[] = items.map((item, i) => ({
          name: (columns[i] as Column).name,
          expr: this.lower(unname(item), scope),
        }));
        return {
          kind: "distinct",
          input: { kind: "project", input: rel, items: projected, columns },
          columns,
        };
      }
      case "TakeOperator": {
        const rel = need();
        return {
          kind: "limit",
          input: rel,
          count: this.constantCount(child<SyntaxNode>(operator, "Expression") as SyntaxNode),
          columns: rel.columns,
        };
      }
      case "SortOperator":
      case "OrderByOperator": {
        const rel = need();
        return {
          kind: "sort",
          input: rel,
          keys: this.sortKeys(elementsOf<SyntaxNode>(child(operator, "Expressions")), rel),
          columns: rel.columns,
        };
      }
      case "TopOperator": {
        const rel = need();
        const keys = this.sortKeys([child<SyntaxNode>(operator, "ByExpression") as SyntaxNode], rel);
        const sorted: Rel = { kind: "sort", input: rel, keys, columns: rel.columns };
        return {
          kind: "limit",
          input: sorted,
          count: this.constantCount(child<SyntaxNode>(operator, "Expression") as SyntaxNode),
          columns: rel.columns,
        };
      }
      case "JoinOperator":
        return this.lowerJoin(need(), operator, columns);
      case "UnionOperator":
        return this.lowerUnion(input, operator, columns);
      case "MvExpandOperator":
        return this.lowerMvExpand(need(), operator, columns);
      case "SearchOperator":
        return this.lowerSearch(input, operator, columns);
      case "RangeOperator":
        return this.lowerRange(operator, columns);
      case "AsOperator":
      case "SerializeOperator": {
        if (elementsOf<SyntaxNode>(child(operator, "Expressions")).length > 0)
          throw this.ctx.notSupported("serialize with columns", operator);
        const rel = need();
        const same: Rel = {
          kind: "project",
          input: rel,
          items: rel.columns.map((c) => ({ name: c.name, expr: columnRef(c) })),
          columns: rel.columns,
        };
        if (kind === "SerializeOperator") this.serialized.add(same);
        else {
          // `as T`: later parts of the query read this result under the name T; computed once, as a CTE.
          const nameNode = child<SyntaxNode>(operator, "Name") as SyntaxNode;
          const symbol = (nameNode as Kusto.Language.Syntax.NameDeclaration).ReferencedSymbol;
          const shared: Rel = {
            kind: "shared",
            id: this.ctx.sharedId(),
            input: rel,
            materialized: false,
            columns: rel.columns,
          };
          if (symbol !== null) this.ctx.bind(symbol, nameText(nameNode), { kind: "tabular", rel: shared });
          return shared;
        }
        return same;
      }
      case "ParseOperator":
      case "ParseWhereOperator": {
        const rel = need();
        return lowerParse(this, rel, operator, columns, scopeOf(rel), kind === "ParseOperator");
      }
      case "TopNestedOperator": {
        const rel = need();
        return lowerTopNested(this, rel, operator, columns, scopeOf(rel), (n) => this.constantCount(n));
      }
      case "MakeSeriesOperator":
        return lowerMakeSeries(this, need(), operator, columns, scopeOf);
      case "EvaluateOperator":
        return this.lowerEvaluate(need(), operator, columns);
      case "GetSchemaOperator":
        return getSchema(need(), columns);
      case "LookupOperator":
        return this.lowerLookup(need(), operator, columns);
      case "SampleOperator": {
        const rel = need();
        const count = this.constantCount(child<SyntaxNode>(operator, "Expression") as SyntaxNode);
        const shuffled: Rel = {
          kind: "sort",
          input: rel,
          keys: [{ expr: call("rand", "real"), descending: false, nullsFirst: false }],
          columns: rel.columns,
        };
        return { kind: "limit", input: shuffled, count, columns: rel.columns };
      }
      default:
        throw this.ctx.notSupported(`the ${kind.replace(/Operator$/, "").toLowerCase()} operator`, operator);
    }
  }

  private constantCount(node: SyntaxNode): number {
    const expr = this.lower(node, { columns: new Map() });
    if (
      expr.kind === "literal" &&
      (typeof expr.literal.value === "bigint" || typeof expr.literal.value === "number")
    ) {
      return Number(expr.literal.value);
    }
    throw this.ctx.notSupported("a row count that is not a constant", node);
  }

  /** project, extend, project-away/keep/rename/reorder and print all yield named expressions over the input. */
  private lowerProjection(
    input: Rel | undefined,
    operator: SyntaxNode,
    kind: string,
    columns: readonly Column[],
  ): Rel {
    const rel: Rel = input ?? { kind: "values", columns: [], rows: [[]] };
    const scope = new Map(scopeOf(rel).columns);
    const computed = new Map<string, Expr>();
    if (kind === "ProjectOperator" || kind === "ExtendOperator" || kind === "PrintOperator") {
      const items = elementsOf<SyntaxNode>(child(operator, "Expressions"));
      const outputsForItems =
        kind === "ExtendOperator"
          ? columns.filter((c) => !rel.columns.some((r) => r.name === c.name))
          : columns;
      for (const item of items) {
        const itemKind = kindOf(item);
        let name: string;
        let valueNode: SyntaxNode;
        if (itemKind === "SimpleNamedExpression") {
          name = nameText(child<SyntaxNode>(item, "Name") as SyntaxNode);
          valueNode = child<SyntaxNode>(item, "Expression") as SyntaxNode;
        } else if (itemKind === "NameReference" || itemKind === "BracketedExpression") {
          name = nameText(item);
          valueNode = item;
        } else if (itemKind === "CompoundNamedExpression") {
          throw this.ctx.notSupported("(a, b) = … in project/extend", item);
        } else {
          // The analyser names unnamed expressions (Column1, print_0, …); take its name in order.
          const fresh = outputsForItems.filter(
            (c) => !computed.has(c.name) && !rel.columns.some((r) => r.name === c.name),
          );
          name = fresh[0]?.name ?? `Column${computed.size + 1}`;
          valueNode = item;
        }
        const expr = this.lower(valueNode, { columns: scope, order: this.orderOf(rel) });
        computed.set(name, expr);
        scope.set(name, expr);
      }
    }
    if (kind === "ProjectRenameOperator") {
      for (const item of elementsOf<SyntaxNode>(child(operator, "Expressions"))) {
        const to = nameText(child<SyntaxNode>(item, "Name") as SyntaxNode);
        const from = nameText(child<SyntaxNode>(item, "Expression") as SyntaxNode);
        computed.set(to, scope.get(from) as Expr);
      }
    }
    const items: NamedExpr[] = columns.map((column) => {
      const expr = computed.get(column.name) ?? scope.get(column.name);
      if (expr === undefined) throw this.ctx.notSupported(`the column ${column.name} of ${kind}`, operator);
      return { name: column.name, expr };
    });
    return { kind: "project", input: rel, items, columns };
  }

  private lowerSummarize(input: Rel, operator: SyntaxNode, columns: readonly Column[]): Rel {
    const scope = scopeOf(input);
    const byNodes = elementsOf<SyntaxNode>(child(child(operator, "ByClause"), "Expressions"));
    const groups: NamedExpr[] = byNodes.map((node, i) => ({
      name: (columns[i] as Column).name,
      expr: this.lower(unname(node), scope),
    }));
    const groupNames = new Set(
      byNodes.map((node) => groupSourceName(node)).filter((n): n is string => n !== undefined),
    );
    const aggregates = [];
    let position = groups.length;
    for (const node of elementsOf<SyntaxNode>(child(operator, "Aggregates"))) {
      const spec = lowerAggregate(unname(node), scope, this, input.columns, groupNames);
      const count = outputCount(spec);
      const names = columns.slice(position, position + count).map((c) => c.name);
      if (names.length !== count) throw this.ctx.notSupported("this summarize's output columns", node);
      aggregates.push(...toAggregates(spec, names));
      position += count;
    }
    if (position !== columns.length) throw this.ctx.notSupported("this summarize's output columns", operator);
    return { kind: "aggregate", input, groups, aggregates, columns };
  }

  private sortKeys(nodes: readonly SyntaxNode[], rel: Rel): SortKey[] {
    const scope = scopeOf(rel);
    return nodes.map((node) => {
      let expression = node;
      let descending = true;
      let nullsFirst: boolean | undefined;
      if (kindOf(node) === "OrderedExpression") {
        expression = child<SyntaxNode>(node, "Expression") as SyntaxNode;
        const ordering = child<SyntaxNode>(node, "Ordering");
        if (ordering) descending = !/asc/i.test(textOf(ordering));
        const nulls = child<SyntaxNode>(node, "NullsClause");
        if (nulls) nullsFirst = /first/i.test(textOf(nulls));
      }
      // Kusto: ascending puts nulls first, descending puts them last, unless told.
      return { expr: this.lower(expression, scope), descending, nullsFirst: nullsFirst ?? !descending };
    });
  }

  private lowerJoin(left: Rel, operator: SyntaxNode, columns: readonly Column[]): Rel {
    const kindParameter = elementsOf<SyntaxNode>(child(operator, "Parameters")).find((p) =>
      /^kind$/i.test(textOf(child<SyntaxNode>(p, "Name") as SyntaxNode)),
    );
    const joinKind = (
      kindParameter
        ? textOf(child<SyntaxNode>(kindParameter, "Expression") as SyntaxNode).toLowerCase()
        : "innerunique"
    ) as JoinKind;
    const known: JoinKind[] = [
      "inner",
      "innerunique",
      "leftouter",
      "rightouter",
      "fullouter",
      "leftsemi",
      "rightsemi",
      "leftanti",
      "rightanti",
    ];
    const normalised =
      (
        {
          leftantisemi: "leftanti",
          rightantisemi: "rightanti",
          anti: "leftanti",
          semi: "leftsemi",
        } as Record<string, JoinKind>
      )[joinKind] ?? joinKind;
    if (!known.includes(normalised)) throw this.ctx.notSupported(`join kind=${joinKind}`, operator);
    const right = this.lowerTabular(child<SyntaxNode>(operator, "Expression") as SyntaxNode);
    const condition = child<SyntaxNode>(operator, "ConditionClause") as SyntaxNode;
    if (kindOf(condition) !== "JoinOnClause") throw this.ctx.notSupported("join … where", condition);
    const on: [string, string][] = [];
    const addCondition = (node: SyntaxNode): void => {
      const k = kindOf(node);
      if (k === "AndExpression") {
        addCondition(child<SyntaxNode>(node, "Left") as SyntaxNode);
        addCondition(child<SyntaxNode>(node, "Right") as SyntaxNode);
      } else if (k === "EqualExpression") {
        const sides = [
          child<SyntaxNode>(node, "Left") as SyntaxNode,
          child<SyntaxNode>(node, "Right") as SyntaxNode,
        ].map((s) => joinSide(s));
        const l = sides.find((s) => s.side === "left");
        const r = sides.find((s) => s.side === "right");
        if (!l || !r)
          throw this.ctx.notSupported("a join condition that does not compare $left with $right", node);
        on.push([l.name, r.name]);
      } else if (k === "NameReference" || k === "BracketedExpression") {
        const name = nameText(node);
        on.push([name, name]);
      } else throw this.ctx.notSupported(`the join condition '${textOf(node)}'`, node);
    };
    for (const expression of elementsOf<SyntaxNode>(child(condition, "Expressions")))
      addCondition(expression);
    const output = joinOutput(normalised, left, right, columns);
    return { kind: "join", joinKind: normalised, left, right, on, output, columns };
  }

  private lowerUnion(input: Rel | undefined, operator: SyntaxNode, columns: readonly Column[]): Rel {
    const inputs: Rel[] = input ? [input] : [];
    for (const node of elementsOf<SyntaxNode>(child(operator, "Expressions")))
      inputs.push(...(this.wildcardTables(node) ?? [this.lowerTabular(node)]));
    if (inputs.length === 0) throw this.ctx.notSupported("a union of no tables", operator);
    const parameters = elementsOf<SyntaxNode>(child(operator, "Parameters"));
    const withSource = parameters.find((p) =>
      /^withsource$/i.test(textOf(child<SyntaxNode>(p, "Name") as SyntaxNode)),
    );
    const sourceName = withSource
      ? nameText(child<SyntaxNode>(withSource, "Expression") as SyntaxNode)
      : undefined;
    const aligned = inputs.map((rel) => {
      const scope = scopeOf(rel).columns;
      const items = columns.map((column) => {
        if (column.name === sourceName)
          return {
            name: column.name,
            expr: lit({ type: "string", value: rel.kind === "table" ? rel.table : "" }),
          };
        return { name: column.name, expr: scope.get(column.name) ?? nullOf(column.type) };
      });
      return { kind: "project", input: rel, items, columns } as Rel;
    });
    return { kind: "union", inputs: aligned, columns };
  }

  /** `union VM*`: every table whose name the pattern matches (case-sensitively, as Kusto's names are). */
  private wildcardTables(node: SyntaxNode): Rel[] | undefined {
    if (kindOf(node) !== "NameReference") return undefined;
    const name = nameText(node);
    if (!name.includes("*")) return undefined;
    const pattern = new RegExp(
      `^${name
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
    return queryableTables()
      .filter((table) => pattern.test(table.name))
      .map((table) => ({
        kind: "table",
        table: table.name,
        columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
      }));
  }

  private lowerMvExpand(input: Rel, operator: SyntaxNode, columns: readonly Column[]): Rel {
    const scope = scopeOf(input);
    const expansions = elementsOf<SyntaxNode>(child(operator, "Expressions")).map((node) => {
      let expression = child<SyntaxNode>(node, "Expression") as SyntaxNode;
      let name: string | undefined;
      if (kindOf(expression) === "SimpleNamedExpression") {
        name = nameText(child<SyntaxNode>(expression, "Name") as SyntaxNode);
        expression = child<SyntaxNode>(expression, "Expression") as SyntaxNode;
      } else name = nameText(expression);
      const toType = child<SyntaxNode>(node, "ToTypeOf");
      const typeName = toType ? textOf(toType).replace(/^.*typeof\s*\(\s*|\s*\)\s*$/g, "") : "dynamic";
      const type: KustoType = toKustoType(typeName) ?? "dynamic";
      return { name, expr: this.lower(expression, scope), type };
    });
    const limitClause = child<SyntaxNode>(operator, "LimitClause");
    const limit = limitClause
      ? this.constantCount(child<SyntaxNode>(limitClause, "Expression") as SyntaxNode)
      : undefined;
    return { kind: "expand", input, expansions, ...(limit !== undefined ? { limit } : {}), columns };
  }

  private lowerSearch(input: Rel | undefined, operator: SyntaxNode, columns: readonly Column[]): Rel {
    const inClause = child<SyntaxNode>(operator, "InClause");
    const sources: Rel[] = input ? [input] : [];
    if (inClause)
      for (const node of elementsOf<SyntaxNode>(child(inClause, "Expressions")))
        sources.push(this.lowerTabular(node));
    if (sources.length === 0) {
      for (const table of queryableTables()) {
        sources.push({
          kind: "table",
          table: table.name,
          columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
        });
      }
    }
    const condition = child<SyntaxNode>(operator, "Condition") as SyntaxNode;
    const searched = sources.map((rel) => {
      const predicate = this.searchPredicate(condition, rel);
      const scope = scopeOf(rel).columns;
      const items = columns.map((column) => {
        if (column.name === "$table")
          return {
            name: column.name,
            expr: lit({ type: "string", value: rel.kind === "table" ? rel.table : "" }),
          };
        return { name: column.name, expr: scope.get(column.name) ?? nullOf(column.type) };
      });
      const filtered: Rel = { kind: "filter", input: rel, condition: predicate, columns: rel.columns };
      return { kind: "project", input: filtered, items, columns } as Rel;
    });
    return searched.length === 1 ? (searched[0] as Rel) : { kind: "union", inputs: searched, columns };
  }

  /** A bare string term in search matches any column; other predicates are ordinary conditions. */
  private searchPredicate(node: SyntaxNode, rel: Rel): Expr {
    const kind = kindOf(node);
    if (kind === "StringLiteralExpression") {
      const term = (lowerLiteral(node, this.ctx) as { literal: { value: string } }).literal.value;
      const starts = term.startsWith("*");
      const ends = term.endsWith("*");
      const needle = term.replace(/^\*+|\*+$/g, "");
      const fn = starts && ends ? "contains" : ends ? "hasprefix" : starts ? "hassuffix" : "has";
      const tests = rel.columns
        .filter((c) => c.type !== "bool" && textCanContain(c.type, needle))
        .map((c) => call(fn, "bool", asString(columnRef(c)), lit({ type: "string", value: needle })));
      if (needle === "") return lit({ type: "bool", value: true });
      return tests.reduce((a, b) => call("or", "bool", a, b), lit({ type: "bool", value: false }));
    }
    if (kind === "AndExpression" || kind === "OrExpression") {
      return call(
        kind === "AndExpression" ? "and" : "or",
        "bool",
        this.searchPredicate(child<SyntaxNode>(node, "Left") as SyntaxNode, rel),
        this.searchPredicate(child<SyntaxNode>(node, "Right") as SyntaxNode, rel),
      );
    }
    if (kind === "ParenthesizedExpression")
      return this.searchPredicate(child<SyntaxNode>(node, "Expression") as SyntaxNode, rel);
    return this.lower(node, scopeOf(rel));
  }

  /** lookup: a left outer (or inner) join that keeps the key columns once, from the left. */
  private lowerLookup(left: Rel, operator: SyntaxNode, columns: readonly Column[]): Rel {
    const kindParameter = elementsOf<SyntaxNode>(child(operator, "Parameters")).find((p) =>
      /^kind$/i.test(textOf(child<SyntaxNode>(p, "Name") as SyntaxNode)),
    );
    const lookupKind = kindParameter
      ? textOf(child<SyntaxNode>(kindParameter, "Expression") as SyntaxNode).toLowerCase()
      : "leftouter";
    if (lookupKind !== "leftouter" && lookupKind !== "inner")
      throw this.ctx.notSupported(`lookup kind=${lookupKind}`, operator);
    const right = this.lowerTabular(child<SyntaxNode>(operator, "Expression") as SyntaxNode);
    const on: [string, string][] = [];
    for (const expression of elementsOf<SyntaxNode>(child(child(operator, "LookupClause"), "Expressions"))) {
      const kind = kindOf(expression);
      if (kind === "EqualExpression") {
        const sides = [
          child<SyntaxNode>(expression, "Left") as SyntaxNode,
          child<SyntaxNode>(expression, "Right") as SyntaxNode,
        ].map((s) => joinSide(s));
        const l = sides.find((s) => s.side === "left");
        const r = sides.find((s) => s.side === "right");
        if (!l || !r)
          throw this.ctx.notSupported(
            "a lookup condition that does not compare $left with $right",
            expression,
          );
        on.push([l.name, r.name]);
      } else on.push([nameText(expression), nameText(expression)]);
    }
    const rightKeys = new Set(on.map(([, r]) => r));
    const sources = [
      ...left.columns.map((c) => ({ side: "left" as const, from: c.name })),
      ...right.columns
        .filter((c) => !rightKeys.has(c.name))
        .map((c) => ({ side: "right" as const, from: c.name })),
    ];
    if (sources.length !== columns.length)
      throw this.ctx.notSupported("this lookup's output columns", operator);
    const output = columns.map((column, i) => ({
      ...(sources[i] as { side: "left" | "right"; from: string }),
      name: column.name,
    }));
    return {
      kind: "join",
      joinKind: lookupKind === "inner" ? "inner" : "leftouter",
      left,
      right,
      on,
      output,
      columns,
    };
  }

  private lowerRange(operator: SyntaxNode, columns: readonly Column[]): Rel {
    const none = { columns: new Map<string, Expr>() };
    const from = this.lower(child<SyntaxNode>(operator, "From") as SyntaxNode, none);
    const to = this.lower(child<SyntaxNode>(operator, "To") as SyntaxNode, none);
    const step = this.lower(child<SyntaxNode>(operator, "Step") as SyntaxNode, none);
    const column = columns[0] as Column;
    return { kind: "range", name: column.name, from, to, step, columns };
  }

  private lowerEvaluate(input: Rel, operator: SyntaxNode, columns: readonly Column[]): Rel {
    const call = child<SyntaxNode>(operator, "FunctionCall") as SyntaxNode;
    const name = textOf(child<SyntaxNode>(call, "Name") as SyntaxNode);
    if (name !== "autocluster") throw this.ctx.notSupported(`evaluate ${name}()`, operator);
    const args = elementsOf<SyntaxNode>(child(child(call, "ArgumentList"), "Expressions")).map((a) =>
      this.lower(a, { columns: new Map() }),
    );
    return { kind: "plugin", plugin: name, args, input, columns };
  }
}

/**
 * The characters (lower case) that the text of a value of each type can hold, where that is a short list: a
 * search term with any other character cannot match such a column, so its test (which would first turn
 * every value into text) is left out. Real numbers include the letters of NaN and Infinity.
 */
const textCharacters: Partial<Record<KustoType, string>> = {
  int: "0123456789-",
  long: "0123456789-",
  real: "0123456789-+.enaifty",
  decimal: "0123456789-+.enaifty",
  datetime: "0123456789-:.tz",
  timespan: "0123456789-:.",
  guid: "0123456789abcdef-",
};

function textCanContain(type: KustoType, needle: string): boolean {
  const allowed = textCharacters[type];
  if (allowed === undefined) return true;
  for (const ch of needle.toLowerCase()) if (!allowed.includes(ch)) return false;
  return true;
}

/** getschema's DataType column names the .NET types that Kusto's types run on. */
const dotnetTypes: Readonly<Record<KustoType, string>> = {
  string: "System.String",
  int: "System.Int32",
  long: "System.Int64",
  real: "System.Double",
  bool: "System.SByte",
  datetime: "System.DateTime",
  timespan: "System.TimeSpan",
  dynamic: "System.Object",
  guid: "System.Guid",
  decimal: "System.Data.SqlTypes.SqlDecimal",
};

function getSchema(input: Rel, columns: readonly Column[]): Rel {
  const rows: Literal[][] = input.columns.map((c, i) => [
    { type: "string", value: c.name },
    { type: "long", value: BigInt(i) },
    { type: "string", value: dotnetTypes[c.type] },
    { type: "string", value: c.type },
  ]);
  return { kind: "values", columns, rows };
}

function kustoSymbolKind(name: string): number {
  return (globalThis as unknown as { Kusto: typeof Kusto }).Kusto.Language.Symbols.SymbolKind[
    name as "Table"
  ];
}

/** The output columns the analyser computed for a tabular node. */
export function columnsOf(node: SyntaxNode, ctx: LoweringContext): Column[] {
  const columns = tableColumnsOf(resultTypeOf(node));
  if (columns === undefined) throw ctx.notSupported("a tabular expression without a known schema", node);
  return columns.map((c) => {
    const type = toKustoType(c.type);
    if (type === undefined) throw ctx.notSupported(`the column ${c.name} of type ${c.type}`, node);
    return { name: c.name, type };
  });
}

export function scopeOf(rel: Rel): RowScope {
  return { columns: new Map(rel.columns.map((c) => [c.name, columnRef(c)])) };
}

function unname(node: SyntaxNode): SyntaxNode {
  return kindOf(node) === "SimpleNamedExpression"
    ? (child<SyntaxNode>(node, "Expression") as SyntaxNode)
    : node;
}

function groupSourceName(node: SyntaxNode): string | undefined {
  const kind = kindOf(node);
  if (kind === "NameReference") return nameText(node);
  if (kind === "SimpleNamedExpression") {
    const inner = child<SyntaxNode>(node, "Expression") as SyntaxNode;
    return kindOf(inner) === "NameReference"
      ? nameText(inner)
      : nameText(child<SyntaxNode>(node, "Name") as SyntaxNode);
  }
  return undefined;
}

function joinSide(node: SyntaxNode): { side: "left" | "right" | "none"; name: string } {
  if (kindOf(node) === "PathExpression") {
    const target = textOf(child<SyntaxNode>(node, "Expression") as SyntaxNode);
    const name = nameText(child<SyntaxNode>(node, "Selector") as SyntaxNode);
    if (target === "$left") return { side: "left", name };
    if (target === "$right") return { side: "right", name };
  }
  return { side: "none", name: textOf(node) };
}

/** Kusto keeps every column of both sides (right-side clashes get a numeric suffix), or one side for semi/anti. */
function joinOutput(kind: JoinKind, left: Rel, right: Rel, columns: readonly Column[]) {
  const sides: { side: "left" | "right"; column: Column }[] = [];
  if (kind !== "rightsemi" && kind !== "rightanti")
    for (const c of left.columns) sides.push({ side: "left", column: c });
  if (kind !== "leftsemi" && kind !== "leftanti")
    for (const c of right.columns) sides.push({ side: "right", column: c });
  return columns.map((column, i) => {
    const source = sides[i];
    if (source === undefined) throw new Error(`join output column ${column.name} has no source`);
    return { side: source.side, from: source.column.name, name: column.name };
  });
}

function nullOf(type: KustoType): Expr {
  return lit({ type, value: type === "string" ? "" : null } as Literal);
}

function coerceLiteral(literal: Literal, type: KustoType): Literal {
  if (literal.type === type || literal.value === null) return { ...literal, type } as Literal;
  if (type === "real" && typeof literal.value !== "string") return { type, value: Number(literal.value) };
  if ((type === "long" || type === "int") && typeof literal.value === "number")
    return { type, value: type === "long" ? BigInt(Math.trunc(literal.value)) : Math.trunc(literal.value) };
  if (type === "int" && typeof literal.value === "bigint") return { type, value: Number(literal.value) };
  if (type === "long" && typeof literal.value === "bigint") return { type, value: literal.value };
  if (type === "dynamic") return { type, value: JSON.stringify(literal.value) };
  return literal;
}

function renderOf(operator: SyntaxNode, lowerer: QueryLowerer): Visualization {
  const chart = textOf(child<SyntaxNode>(operator, "ChartType") as SyntaxNode);
  const properties: Record<string, string | string[]> = {};
  const withClause = child<SyntaxNode>(operator, "WithClause");
  for (const property of elementsOf<SyntaxNode>(child(withClause, "Properties"))) {
    const name = textOf(child<SyntaxNode>(property, "Name") as SyntaxNode);
    const value = child<SyntaxNode>(property, "Expression") as SyntaxNode;
    const text = textOf(value);
    properties[name] =
      kindOf(value) === "ParenthesizedExpression" || text.startsWith("(")
        ? text
            .replace(/^\(|\)$/g, "")
            .split(",")
            .map((s) => s.trim())
        : text.replace(/^["']|["']$/g, "");
  }
  void lowerer;
  return { visualization: chart, properties };
}

export function typeOfColumn(rel: Rel, name: string): KustoType | undefined {
  return rel.columns.find((c) => c.name === name)?.type;
}

export { typeOf };
