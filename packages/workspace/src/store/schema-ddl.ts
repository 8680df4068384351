import type { TableSchema, ViewSchema } from "@svcmap/model";
import { duckdbTypeOf } from "./duckdb-types.js";
import { quoteIdent, quoteString } from "./quote.js";

/** Kusto strings are never null, so a string column that gains rows without a value holds "". */
function columnSql(column: TableSchema["columns"][number]): string {
  return `${quoteIdent(column.name)} ${duckdbTypeOf[column.type]}${column.type === "string" ? " DEFAULT ''" : ""}`;
}

export function createTableSql(table: TableSchema): string {
  const columns = table.columns.map(columnSql);
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(table.name)} (${columns.join(", ")})`;
}

export function addColumnSql(table: string, column: TableSchema["columns"][number]): string {
  return `ALTER TABLE ${quoteIdent(table)} ADD COLUMN ${columnSql(column)}`;
}

/** Legacy views present dynamic arrays as their JSON text and numbers as real, as the custom-log tables did. */
export function createViewSql(view: ViewSchema, base: TableSchema): string {
  const baseTypes = new Map(base.columns.map((c) => [c.name, c.type]));
  const select = view.columns.map((c) => {
    const source = c.source;
    let expression: string;
    if ("constant" in source) {
      expression = quoteString(source.constant);
    } else {
      const baseType = baseTypes.get(source.column);
      if (baseType === undefined)
        throw new Error(`view ${view.name}: ${base.name} has no column ${source.column}`);
      expression = quoteIdent(source.column);
      if (baseType !== c.type) {
        expression =
          baseType === "dynamic" && c.type === "string"
            ? `coalesce(CAST(${expression} AS VARCHAR), '')`
            : `CAST(${expression} AS ${duckdbTypeOf[c.type]})`;
      }
    }
    return `${expression} AS ${quoteIdent(c.name)}`;
  });
  return `CREATE OR REPLACE VIEW ${quoteIdent(view.name)} AS SELECT ${select.join(", ")} FROM ${quoteIdent(base.name)}`;
}
