// The error bodies of the Log Analytics Query API. Clients (the Azure SDKs, Grafana, scripts written against
// api.loganalytics.io) read `error.code` and walk `innererror` down to the most specific message, so the
// codes, the outer messages and the nesting follow what the real service answers.

/** One level of an error, as the Query API nests them; the innermost level carries the query position. */
export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly correlationId?: string;
  readonly innererror?: ErrorInfo;
  readonly details?: readonly ErrorInfo[];
  /** 1-based line of a query diagnostic. */
  readonly line?: number;
  /** 0-based column within `line`, as the Query API counts it. */
  readonly pos?: number;
  /** The query text the diagnostic points at. */
  readonly token?: string;
  readonly severity?: number;
  readonly severityName?: string;
}

export interface ErrorResponseBody {
  readonly error: ErrorInfo;
}

/** The one error type of the HTTP layer: a status, the body's error object, and any headers it needs. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly info: ErrorInfo,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(info.message);
    this.name = "ApiError";
  }
}

export const invalidPropertiesMessage = "The request had some invalid properties";

export function badArgument(innererror: ErrorInfo): ApiError {
  return new ApiError(400, { code: "BadArgumentError", message: invalidPropertiesMessage, innererror });
}

export function pathNotFound(): ApiError {
  return new ApiError(404, { code: "PathNotFoundError", message: "The requested path does not exist" });
}

export function workspaceNotFound(id: string): ApiError {
  return new ApiError(404, {
    code: "WorkspaceNotFoundError",
    message: `The workspace could not be found: '${id}' is neither this workspace's id nor 'default'`,
  });
}

export function authenticationMissing(): ApiError {
  return new ApiError(
    401,
    {
      code: "AuthenticationFailed",
      message: "Authentication failed. The 'Authorization' header is missing.",
    },
    { "www-authenticate": 'Bearer realm="svcmap"' },
  );
}

export function invalidKey(): ApiError {
  return new ApiError(403, { code: "InvalidAuthenticationToken", message: "The access token is invalid." });
}

export function insufficientAccess(role: string, needed: string): ApiError {
  return new ApiError(403, {
    code: "InsufficientAccessError",
    message: "The provided credentials have insufficient access to perform the requested operation",
    innererror: { code: "RoleNotAllowed", message: `a key with role '${role}' cannot ${needed}` },
  });
}

export function throttled(retryAfterSeconds: number, message: string): ApiError {
  return new ApiError(
    429,
    { code: "ThrottledError", message },
    { "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  );
}

export function gatewayTimeout(innererror: ErrorInfo): ApiError {
  return new ApiError(504, { code: "GatewayTimeout", message: "Gateway timeout", innererror });
}

export function serviceUnavailable(message: string): ApiError {
  return new ApiError(503, { code: "ServiceUnavailableError", message });
}

export function internalError(): ApiError {
  return new ApiError(500, {
    code: "InternalServerError",
    message: "An internal error occurred; the server log has the details under this correlation id",
  });
}

/** The most specific level of an error: the one a person should read first. */
export function innermostError(info: ErrorInfo): ErrorInfo {
  let current = info;
  while (current.innererror !== undefined) current = current.innererror;
  return current;
}
