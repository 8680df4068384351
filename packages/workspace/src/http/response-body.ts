// What a query answers, in the shape of the Log Analytics Query API (v1): the body of a success, of a
// partial success, and of a failed query. The HTTP routes and `svcmap query` both build their output here.

import type { QueryDiagnostic, QueryError } from "../kql/errors.js";
import type { QueryResult, ResultTable } from "../kql/result.js";
import { ApiError, badArgument, gatewayTimeout, type ErrorInfo } from "./api-error.js";

/** `render` as the Query API returns it: the visualization kind with its properties beside it. */
export interface RenderInfo {
  readonly visualization: string;
  readonly [property: string]: string | readonly string[];
}

export interface QueryStatistics {
  readonly query: {
    /** Seconds, as the Query API reports it. */
    readonly executionTime: number;
    readonly datasetStatistics: readonly { readonly tableRowCount: number; readonly tableSize: number }[];
  };
}

export interface QueryResponseBody {
  readonly tables: readonly ResultTable[];
  readonly render?: RenderInfo;
  readonly statistics?: QueryStatistics;
  /** Present only on a partial result: the tables are then a prefix of the full answer. */
  readonly error?: ErrorInfo;
}

export interface ResponseBodyOptions {
  /** The caller sent `Prefer: include-render=true`. */
  readonly includeRender?: boolean;
  /** The caller sent `Prefer: include-statistics=true`. */
  readonly includeStatistics?: boolean;
  readonly executionMs?: number;
}

export function queryResponseBody(result: QueryResult, options: ResponseBodyOptions = {}): QueryResponseBody {
  const body: {
    tables: readonly ResultTable[];
    render?: RenderInfo;
    statistics?: QueryStatistics;
    error?: ErrorInfo;
  } = { tables: result.tables };
  if (options.includeRender && result.visualization !== undefined) {
    body.render = { ...result.visualization.properties, visualization: result.visualization.visualization };
  }
  if (options.includeStatistics) {
    body.statistics = {
      query: {
        executionTime: (options.executionMs ?? 0) / 1000,
        datasetStatistics: result.tables.map((t) => ({
          tableRowCount: t.rows.length,
          tableSize: Buffer.byteLength(JSON.stringify(t.rows)),
        })),
      },
    };
  }
  if (result.truncated !== undefined) body.error = partialError(result.truncated);
  return body;
}

/** Kusto's E_QUERY_RESULT_SET_TOO_LARGE (0x80DA0003), which Log Analytics reports as a signed HRESULT. */
const resultSetTooLarge = "-2133196797";

/** How Log Analytics describes a result cut short by the record-count or data-size limit. */
export function partialError(truncated: NonNullable<QueryResult["truncated"]>): ErrorInfo {
  return {
    code: "PartialError",
    message: "There were some errors when processing your query.",
    details: [
      {
        code: "EngineError",
        message: "Something went wrong processing your query on the server.",
        innererror: {
          code: resultSetTooLarge,
          message: truncationMessage(truncated),
          severity: 2,
          severityName: "Error",
        },
      },
    ],
  };
}

/** Kusto's own words for a result cut short by one of its limits. */
export function truncationMessage(truncated: NonNullable<QueryResult["truncated"]>): string {
  const limit = truncated.reason === "rows" ? "record count" : "data size";
  return `Query result set has exceeded the internal ${limit} limit ${truncated.limit} (E_QUERY_RESULT_SET_TOO_LARGE).`;
}

const summaries: Readonly<Record<QueryError["code"], string>> = {
  SyntaxError: "A recognition error occurred in the query.",
  SemanticError: "A semantic error occurred.",
  NotSupported: "The query uses a part of KQL that svcmap does not support yet.",
  QueryTimeout: "The query ran longer than its time limit and was stopped.",
  QueryCancelled: "The query was cancelled.",
  ExecutionError: "The query failed while it was running.",
};

/** The HTTP answer to a query the engine refused or could not finish. */
export function queryErrorToApiError(error: QueryError, query: string): ApiError {
  const diagnostic = error.diagnostics[0];
  const detail: ErrorInfo =
    diagnostic === undefined
      ? { code: error.code, message: error.message }
      : diagnosticDetail(diagnostic, query);
  const inner: ErrorInfo = { code: error.code, message: summaries[error.code], innererror: detail };
  switch (error.code) {
    case "QueryTimeout":
      return gatewayTimeout(inner);
    case "QueryCancelled":
      return new ApiError(503, {
        code: "ServiceUnavailableError",
        message: summaries.QueryCancelled,
        innererror: detail,
      });
    default:
      return badArgument(inner);
  }
}

function diagnosticDetail(diagnostic: QueryDiagnostic, query: string): ErrorInfo {
  return {
    code: diagnostic.code,
    message: diagnostic.message,
    line: diagnostic.line,
    pos: diagnostic.column - 1,
    token: query.slice(diagnostic.start, diagnostic.start + diagnostic.length),
  };
}
