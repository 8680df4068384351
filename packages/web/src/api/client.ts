// The browser's one way to talk to the workspace: the Log Analytics Query API for KQL, and JSON routes for
// everything else (the map, saved items). Errors keep the Query API's nesting so a page can show the innermost
// message at its position in the query.

export interface QueryColumn {
  readonly name: string;
  readonly type: string;
}

export interface QueryTable {
  readonly name: string;
  readonly columns: readonly QueryColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

export interface RenderInfo {
  readonly visualization: string;
  readonly [property: string]: string | readonly string[];
}

export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly innererror?: ErrorInfo;
  readonly details?: readonly ErrorInfo[];
  readonly line?: number;
  readonly pos?: number;
  readonly token?: string;
}

export interface QueryResponse {
  readonly tables: readonly QueryTable[];
  readonly render?: RenderInfo;
  readonly statistics?: { readonly query: { readonly executionTime: number } };
  /** Present when the result was cut short (PartialError). */
  readonly error?: ErrorInfo;
}

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly info: ErrorInfo,
  ) {
    super(innermost(info).message);
    this.name = "ApiRequestError";
  }

  /** The most specific level of the error: the one that carries a query position, when there is one. */
  get detail(): ErrorInfo {
    return innermost(this.info);
  }
}

function innermost(info: ErrorInfo): ErrorInfo {
  let level = info;
  while (level.innererror !== undefined) level = level.innererror;
  return level;
}

/** A workspace that requires keys (one bound off loopback) gets the key the user entered, kept in this browser. */
export const apiKeyStorageKey = "svcmap.apiKey";

function authorization(): Record<string, string> {
  const key = window.localStorage.getItem(apiKeyStorageKey);
  return key === null || key === "" ? {} : { authorization: `Bearer ${key}` };
}

async function request<T>(path: string, init: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { "content-type": "application/json", ...authorization(), ...init.headers },
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const body: unknown = text === "" ? undefined : JSON.parse(text);
  if (!response.ok) {
    const info =
      typeof body === "object" && body !== null && "error" in body
        ? (body as { error: ErrorInfo }).error
        : { code: `HTTP${response.status}`, message: response.statusText || `HTTP ${response.status}` };
    throw new ApiRequestError(response.status, info);
  }
  return body as T;
}

export interface QueryOptions {
  /** ISO 8601 duration (PT30M) or interval (start/end), as the Query API takes it. */
  readonly timespan?: string;
  readonly signal?: AbortSignal;
}

/** Runs KQL through the Query API, asking for render metadata and statistics. */
export function runQuery(query: string, options: QueryOptions = {}): Promise<QueryResponse> {
  return request<QueryResponse>("v1/workspaces/default/query", {
    method: "POST",
    body: JSON.stringify(options.timespan === undefined ? { query } : { query, timespan: options.timespan }),
    headers: { prefer: "include-render=true, include-statistics=true" },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>(path, signal === undefined ? { method: "GET" } : { method: "GET", signal });
}

export function sendJson<T>(
  method: "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
): Promise<T> {
  return request<T>(path, body === undefined ? { method } : { method, body: JSON.stringify(body) });
}

/** The rows of a Query API table as objects keyed by column name. */
export function tableObjects(table: QueryTable): Record<string, unknown>[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((column, i) => [column.name, row[i]])));
}
