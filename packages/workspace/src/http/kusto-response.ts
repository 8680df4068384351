// Query results in the shapes of the Kusto (Azure Data Explorer) REST API: v1's list of tables with a table of
// contents, and v2's frames. Kusto clients (the Kusto SDKs, Kusto.Explorer, Grafana's Azure Data Explorer data
// source, Power BI) read these, so the table kinds, the status tables and the error placement follow what
// Kusto writes.

import { randomUUID } from "node:crypto";
import type { KustoType } from "@svcmap/model";
import type { QueryResult, ResultColumn, ResultTable, ResultValue } from "../kql/result.js";
import { innermostError, type ApiError, type ErrorInfo } from "./api-error.js";
import { truncationMessage } from "./response-body.js";

/** A cell as Kusto's JSON writers emit it: dynamic values travel as JSON, not as JSON text. */
export type KustoCell = ResultValue | readonly unknown[] | { readonly [key: string]: unknown };

export interface KustoColumnV1 {
  readonly ColumnName: string;
  readonly DataType: string;
  readonly ColumnType: KustoType;
}

export interface KustoTableV1 {
  readonly TableName: string;
  readonly Columns: readonly KustoColumnV1[];
  readonly Rows: readonly (readonly KustoCell[])[];
}

export interface KustoResponseV1 {
  readonly Tables: readonly KustoTableV1[];
}

export type KustoFrame =
  | {
      readonly FrameType: "DataSetHeader";
      readonly IsProgressive: false;
      readonly Version: "v2.0";
      readonly IsFragmented: false;
      readonly ErrorReportingPlacement: "InData";
    }
  | {
      readonly FrameType: "DataTable";
      readonly TableId: number;
      readonly TableKind: "QueryProperties" | "PrimaryResult" | "QueryCompletionInformation";
      readonly TableName: string;
      readonly Columns: readonly { readonly ColumnName: string; readonly ColumnType: KustoType }[];
      readonly Rows: readonly (readonly KustoCell[])[];
    }
  | {
      readonly FrameType: "DataSetCompletion";
      readonly HasErrors: boolean;
      readonly Cancelled: boolean;
      readonly OneApiErrors?: readonly KustoErrorBody[];
    };

/** Kusto's OneApiErrors body: a general code and message, and the specific exception under `@`-keys. */
export interface KustoErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly "@type": string;
    readonly "@message": string;
    readonly "@context": {
      readonly timestamp: string;
      readonly clientRequestId: string;
      readonly activityId: string;
    };
    readonly "@permanent": boolean;
    readonly "@errorCode"?: string;
    readonly "@line"?: number;
    readonly "@pos"?: number;
    readonly "@token"?: string;
  };
}

/** The .NET type names v1 writes beside each column's Kusto type. */
const dotNetTypes: Readonly<Record<KustoType, string>> = {
  bool: "Boolean",
  datetime: "DateTime",
  decimal: "Decimal",
  dynamic: "Object",
  guid: "Guid",
  int: "Int32",
  long: "Int64",
  real: "Double",
  string: "String",
  timespan: "TimeSpan",
};

export interface ResponseContext {
  readonly clientRequestId: string;
  readonly activityId: string;
  readonly now: Date;
}

export function responseContext(clientRequestId: string | undefined): ResponseContext {
  const activityId = randomUUID();
  return { clientRequestId: clientRequestId ?? `svcmap;${activityId}`, activityId, now: new Date() };
}

export function kustoResponseV1(result: QueryResult, context: ResponseContext): KustoResponseV1 {
  const primaries = result.tables.map((table) => v1Table(table));
  const tables: KustoTableV1[] = [
    ...primaries,
    v1Table(queryPropertiesV1(result)),
    v1Table(queryStatusV1(result, context)),
  ];
  const contents: ResultTable = {
    name: "TableOfContents",
    columns: [
      { name: "Ordinal", type: "long" },
      { name: "Kind", type: "string" },
      { name: "Name", type: "string" },
      { name: "Id", type: "string" },
      { name: "PrettyName", type: "string" },
    ],
    rows: [
      ...result.tables.map((t, i) => [i, "QueryResult", primaryName(t, i), randomUUID(), ""]),
      [primaries.length, "QueryProperties", "@ExtendedProperties", randomUUID(), ""],
      [primaries.length + 1, "QueryStatus", "QueryStatus", context.activityId, ""],
    ],
  };
  tables.push(v1Table(contents));
  // v1 names its tables by position; the table of contents carries the real names.
  return { Tables: tables.map((t, i) => ({ ...t, TableName: `Table_${i}` })) };
}

/** A management command's answer in v1: its one table, with no table of contents, as Kusto answers commands. */
export function kustoCommandResponseV1(table: ResultTable): KustoResponseV1 {
  return { Tables: [{ ...v1Table(table), TableName: "Table_0" }] };
}

export function kustoFramesV2(result: QueryResult, context: ResponseContext): KustoFrame[] {
  const frames: KustoFrame[] = [
    {
      FrameType: "DataSetHeader",
      IsProgressive: false,
      Version: "v2.0",
      IsFragmented: false,
      ErrorReportingPlacement: "InData",
    },
  ];
  let tableId = 0;
  const add = (
    table: ResultTable,
    kind: "QueryProperties" | "PrimaryResult" | "QueryCompletionInformation",
  ) => {
    frames.push({
      FrameType: "DataTable",
      TableId: tableId++,
      TableKind: kind,
      TableName: table.name,
      Columns: table.columns.map((c) => ({ ColumnName: c.name, ColumnType: c.type })),
      // Kusto writes the visualization of @ExtendedProperties as JSON text in its dynamic column, and
      // clients parse that text themselves.
      Rows: kind === "QueryProperties" ? table.rows : kustoRows(table),
    });
  };
  add(extendedProperties(result), "QueryProperties");
  result.tables.forEach((table, i) => add({ ...table, name: primaryName(table, i) }, "PrimaryResult"));
  add(queryStatus(result, context), "QueryCompletionInformation");
  const truncation = result.truncated === undefined ? undefined : truncationError(result.truncated, context);
  frames.push({
    FrameType: "DataSetCompletion",
    HasErrors: truncation !== undefined,
    Cancelled: false,
    ...(truncation === undefined ? {} : { OneApiErrors: [truncation] }),
  });
  return frames;
}

function primaryName(table: ResultTable, index: number): string {
  return index === 0 || table.name === "" ? "PrimaryResult" : table.name;
}

function v1Table(table: ResultTable): KustoTableV1 {
  return {
    TableName: table.name,
    Columns: table.columns.map((c) => ({
      ColumnName: c.name,
      DataType: dotNetTypes[c.type],
      ColumnType: c.type,
    })),
    Rows: kustoRows(table),
  };
}

function kustoRows(table: ResultTable): (readonly KustoCell[])[] {
  const dynamic = table.columns.flatMap((c: ResultColumn, i) => (c.type === "dynamic" ? [i] : []));
  if (dynamic.length === 0) return table.rows as (readonly KustoCell[])[];
  return table.rows.map((row) => {
    const copy: KustoCell[] = [...row];
    for (const i of dynamic) copy[i] = dynamicValue(row[i] ?? null);
    return copy;
  });
}

/** The Query API carries dynamic values as JSON text; Kusto's own API carries the JSON itself. */
function dynamicValue(value: ResultValue): KustoCell {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as KustoCell;
  } catch {
    return value;
  }
}

/** The `render` of the query in the keys Kusto clients read; Visualization is null when there was none. */
function visualizationJson(result: QueryResult): string {
  const visualization = result.visualization;
  const properties: Record<string, unknown> = {
    Visualization: visualization?.visualization ?? null,
    Title: null,
    XColumn: null,
    Series: null,
    YColumns: null,
    AnomalyColumns: null,
    XTitle: null,
    YTitle: null,
    XAxis: null,
    YAxis: null,
    Legend: null,
    YSplit: null,
    Accumulate: false,
    IsQuerySorted: false,
    Kind: null,
    Ymin: "NaN",
    Ymax: "NaN",
    Xmin: null,
    Xmax: null,
  };
  for (const [key, value] of Object.entries(visualization?.properties ?? {})) {
    properties[pascalCase(key)] = Array.isArray(value) ? value.join(",") : value;
  }
  return JSON.stringify(properties);
}

/** v2's `@ExtendedProperties`: one row per property of the primary result (table 1), here its render. */
function extendedProperties(result: QueryResult): ResultTable {
  return {
    name: "@ExtendedProperties",
    columns: [
      { name: "TableId", type: "int" },
      { name: "Key", type: "string" },
      { name: "Value", type: "dynamic" },
    ],
    rows: result.visualization === undefined ? [] : [[1, "Visualization", visualizationJson(result)]],
  };
}

/** v1's query properties table: one column, one row, the visualization as JSON text. */
function queryPropertiesV1(result: QueryResult): ResultTable {
  return {
    name: "QueryProperties",
    columns: [{ name: "Value", type: "string" }],
    rows: [[visualizationJson(result)]],
  };
}

function pascalCase(key: string): string {
  const known: Readonly<Record<string, string>> = {
    xcolumn: "XColumn",
    ycolumns: "YColumns",
    xtitle: "XTitle",
    ytitle: "YTitle",
    xaxis: "XAxis",
    yaxis: "YAxis",
    ysplit: "YSplit",
    ymin: "Ymin",
    ymax: "Ymax",
    xmin: "Xmin",
    xmax: "Xmax",
    anomalycolumns: "AnomalyColumns",
  };
  return known[key.toLowerCase()] ?? key.charAt(0).toUpperCase() + key.slice(1);
}

/** v2's QueryCompletionInformation: an info row, and an error row when a limit cut the result short. */
function queryStatus(result: QueryResult, context: ResponseContext): ResultTable {
  const row = (level: number, levelName: string, status: number, statusName: string, payload: object) => [
    context.now.toISOString(),
    context.clientRequestId,
    context.activityId,
    context.activityId,
    context.activityId,
    level,
    levelName,
    status,
    statusName,
    level === 2 ? 5 : 4,
    level === 2 ? "QueryError" : "QueryInfo",
    JSON.stringify(payload),
  ];
  const rows = [row(4, "Info", 0, "S_OK (0)", { Count: 1, Text: "Query completed successfully" })];
  if (result.truncated !== undefined) {
    const message = truncationMessage(result.truncated);
    rows.push(
      row(2, "Error", -2133196797, "E_QUERY_RESULT_SET_TOO_LARGE (0x80DA0003)", { Count: 1, Text: message }),
    );
  }
  return {
    name: "QueryCompletionInformation",
    columns: [
      { name: "Timestamp", type: "datetime" },
      { name: "ClientRequestId", type: "string" },
      { name: "ActivityId", type: "guid" },
      { name: "SubActivityId", type: "guid" },
      { name: "ParentActivityId", type: "guid" },
      { name: "Level", type: "int" },
      { name: "LevelName", type: "string" },
      { name: "StatusCode", type: "int" },
      { name: "StatusCodeName", type: "string" },
      { name: "EventType", type: "int" },
      { name: "EventTypeName", type: "string" },
      { name: "Payload", type: "string" },
    ],
    rows,
  };
}

/** v1's QueryStatus: the same events in v1's columns, which clients read by Severity and StatusDescription. */
function queryStatusV1(result: QueryResult, context: ResponseContext): ResultTable {
  const row = (severity: number, name: string, status: number, description: string): ResultValue[] => [
    context.now.toISOString(),
    severity,
    name,
    status,
    description,
    1,
    context.activityId,
    context.activityId,
    context.activityId,
    context.clientRequestId,
  ];
  const rows = [row(4, "Info", 0, "Query completed successfully")];
  if (result.truncated !== undefined)
    rows.push(row(2, "Error", -2133196797, truncationMessage(result.truncated)));
  return {
    name: "QueryStatus",
    columns: [
      { name: "Timestamp", type: "datetime" },
      { name: "Severity", type: "int" },
      { name: "SeverityName", type: "string" },
      { name: "StatusCode", type: "int" },
      { name: "StatusDescription", type: "string" },
      { name: "Count", type: "int" },
      { name: "RequestId", type: "guid" },
      { name: "ActivityId", type: "guid" },
      { name: "SubActivityId", type: "guid" },
      { name: "ClientActivityId", type: "string" },
    ],
    rows,
  };
}

function truncationError(
  truncated: NonNullable<QueryResult["truncated"]>,
  context: ResponseContext,
): KustoErrorBody {
  const message = truncationMessage(truncated);
  return {
    error: {
      code: "LimitsExceeded",
      message: "Request is invalid and cannot be executed.",
      "@type": "Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException",
      "@message": `Query execution has exceeded the allowed limits (80DA0003): ${message} Use 'set notruncation;' or the truncationmaxrecords/truncationmaxsize request options to raise them.`,
      "@context": errorContext(context),
      "@permanent": false,
    },
  };
}

function errorContext(context: ResponseContext): KustoErrorBody["error"]["@context"] {
  return {
    timestamp: context.now.toISOString(),
    clientRequestId: context.clientRequestId,
    activityId: context.activityId,
  };
}

/**
 * A refused or failed request as Kusto answers it: the general code and message, then the specific
 * exception, its Kusto error code and, for a query's own error, where in the query it is.
 */
export function kustoErrorBody(error: ApiError, context: ResponseContext): KustoErrorBody {
  const inner = innermostError(error.info);
  const kind = kindOf(error);
  const where = inner.line === undefined ? "" : ` [line:position=${inner.line}:${(inner.pos ?? 0) + 1}]`;
  return {
    error: {
      code: kind.code,
      message: kind.message,
      "@type": kind.type,
      "@message": `${kind.prefix}${inner.message}${where}`,
      "@context": errorContext(context),
      "@permanent": kind.permanent,
      ...(inner.line === undefined
        ? {}
        : {
            "@errorCode": inner.code,
            "@line": inner.line,
            "@pos": inner.pos ?? 0,
            "@token": inner.token ?? "",
          }),
    },
  };
}

interface ErrorKind {
  readonly code: string;
  readonly message: string;
  readonly type: string;
  readonly prefix: string;
  readonly permanent: boolean;
}

const badRequest = "Request is invalid and cannot be executed.";

function kindOf(error: ApiError): ErrorKind {
  const codes = chainCodes(error.info);
  const has = (code: string): boolean => codes.includes(code);
  if (has("SyntaxError"))
    return kind(
      "General_BadRequest",
      badRequest,
      "Kusto.Data.Exceptions.SyntaxException",
      "Syntax error: ",
      true,
    );
  if (has("SemanticError"))
    return kind(
      "General_BadRequest",
      badRequest,
      "Kusto.Data.Exceptions.SemanticException",
      "Semantic error: ",
      true,
    );
  if (has("NotSupported"))
    return kind(
      "BadRequest_NotSupported",
      badRequest,
      "Kusto.Data.Exceptions.KustoBadRequestException",
      "",
      true,
    );
  switch (error.status) {
    case 401:
    case 403:
      return kind(
        "Unauthorized",
        "Unauthorized",
        "Kusto.Data.Exceptions.KustoRequestDeniedException",
        "",
        true,
      );
    case 404:
      return kind(
        "BadRequest_EntityNotFound",
        badRequest,
        "Kusto.Data.Exceptions.EntityNotFoundException",
        "",
        true,
      );
    case 429:
      return kind(
        "LimitsExceeded",
        "Request is throttled.",
        "Kusto.Data.Exceptions.ThrottleException",
        "",
        false,
      );
    case 503:
      return kind(
        "ServiceUnavailable",
        "Service is unavailable.",
        "Kusto.Data.Exceptions.KustoServiceException",
        "",
        false,
      );
    case 504:
      return kind(
        "Request_ExecutionTimeout",
        "Query execution timed out.",
        "Kusto.Data.Exceptions.KustoRequestTimeoutException",
        "",
        false,
      );
    default:
      return error.status >= 500
        ? kind(
            "InternalServiceError",
            "An internal error occurred.",
            "Kusto.Data.Exceptions.KustoServiceException",
            "",
            false,
          )
        : kind("General_BadRequest", badRequest, "Kusto.Data.Exceptions.KustoBadRequestException", "", true);
  }
}

function kind(code: string, message: string, type: string, prefix: string, permanent: boolean): ErrorKind {
  return { code, message, type, prefix, permanent };
}

function chainCodes(info: ErrorInfo): string[] {
  const codes: string[] = [];
  for (let level: ErrorInfo | undefined = info; level !== undefined; level = level.innererror)
    codes.push(level.code);
  return codes;
}
