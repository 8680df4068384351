import type { KustoType } from "@svcmap/model";

/** How each Kusto type is stored. timespan is kept as a count of 100-ns ticks, Kusto's own unit. */
export const duckdbTypeOf: Readonly<Record<KustoType, string>> = {
  string: "VARCHAR",
  int: "INTEGER",
  long: "BIGINT",
  real: "DOUBLE",
  bool: "BOOLEAN",
  datetime: "TIMESTAMP",
  timespan: "BIGINT",
  dynamic: "JSON",
  guid: "UUID",
  decimal: "DECIMAL(38,18)",
};
