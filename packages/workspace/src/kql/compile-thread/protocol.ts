import type { StoredFunction } from "../analyse/stored-functions.js";
import type { CompiledQuery } from "../compile.js";
import type { QueryDiagnostic, QueryErrorCode } from "../errors.js";
import type { QueryParameters } from "../result.js";

export interface CompileRequest {
  readonly id: number;
  readonly query: string;
  readonly nowMicros: bigint;
  /** The workspace's stored functions as of this query (plain data; the thread builds its own GlobalState). */
  readonly functions: readonly StoredFunction[];
  readonly parameters: QueryParameters;
}

export type CompileReply =
  | { readonly id: number; readonly ok: true; readonly compiled: CompiledQuery }
  | {
      readonly id: number;
      readonly ok: false;
      /** Set for a QueryError (the user's error); absent for anything else (a fault of the compiler). */
      readonly code?: QueryErrorCode;
      readonly message: string;
      readonly diagnostics: readonly QueryDiagnostic[];
    };
