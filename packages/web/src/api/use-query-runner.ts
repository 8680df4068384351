// Running a query from a page: one at a time per runner, cancellable (the AbortController closes the
// request, and the workspace stops the query when its client goes away), with the outcome kept as state.

import { useCallback, useEffect, useRef, useState } from "react";
import { ApiRequestError, runQuery, type ErrorInfo, type QueryResponse } from "./client.js";

export type QueryState =
  | { readonly status: "idle" }
  | { readonly status: "running"; readonly startedAt: number }
  | { readonly status: "done"; readonly response: QueryResponse; readonly elapsedMs: number }
  | { readonly status: "failed"; readonly error: ErrorInfo; readonly elapsedMs: number }
  | { readonly status: "cancelled" };

export interface QueryRunner {
  readonly state: QueryState;
  /** How many runs have ended (answered, failed or cancelled): a page can tell a new outcome from the last. */
  readonly settled: number;
  run(query: string, timespan: string | undefined): Promise<void>;
  cancel(): void;
}

export function useQueryRunner(): QueryRunner {
  const [state, setState] = useState<QueryState>({ status: "idle" });
  const [settled, setSettled] = useState(0);
  const current = useRef<AbortController | null>(null);

  const cancel = useCallback(() => {
    current.current?.abort();
    current.current = null;
  }, []);

  useEffect(() => cancel, [cancel]);

  const run = useCallback(async (query: string, timespan: string | undefined) => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    const startedAt = performance.now();
    setState({ status: "running", startedAt });
    try {
      const response = await runQuery(query, {
        signal: controller.signal,
        ...(timespan === undefined ? {} : { timespan }),
      });
      if (current.current !== controller) return;
      setState({ status: "done", response, elapsedMs: performance.now() - startedAt });
    } catch (error) {
      if (current.current !== controller && controller.signal.aborted) {
        setState((s) => (s.status === "running" ? { status: "cancelled" } : s));
        return;
      }
      const info: ErrorInfo =
        error instanceof ApiRequestError
          ? error.detail
          : { code: "NetworkError", message: error instanceof Error ? error.message : String(error) };
      setState({ status: "failed", error: info, elapsedMs: performance.now() - startedAt });
    } finally {
      if (current.current === controller) current.current = null;
      setSettled((n) => n + 1);
    }
  }, []);

  return { state, settled, run, cancel };
}
