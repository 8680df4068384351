import { useLayoutEffect, useState } from "react";
import { ApiRequestError } from "../api/client.js";

export interface Loaded<T> {
  readonly data?: T;
  readonly error?: string;
  /** True from the very render in which the key changes until its answer is in. */
  readonly loading: boolean;
}

interface State<T> {
  readonly key: string | undefined;
  readonly data?: T;
  readonly error?: string;
}

/** Loads once per change of `key`, cancelling the previous request; the last answer stays while the next loads. */
export function useLoad<T>(key: string, load: ((signal: AbortSignal) => Promise<T>) | undefined): Loaded<T> {
  const [state, setState] = useState<State<T>>({ key: undefined });
  const enabled = load !== undefined;
  // Requests start in the commit itself, not after paint: the page's big Cytoscape chunk evaluates in the
  // meantime, and requests already in flight overlap with it.
  useLayoutEffect(() => {
    if (load === undefined) return;
    const abort = new AbortController();
    load(abort.signal).then(
      (data) => {
        if (!abort.signal.aborted) setState({ key, data });
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        setState((previous) => ({
          key,
          ...(previous.data === undefined ? {} : { data: previous.data }),
          error: error instanceof ApiRequestError ? error.message : String(error),
        }));
      },
    );
    return () => abort.abort();
    // The key names everything `load` depends on.
  }, [key, enabled]);
  return {
    ...(state.data === undefined ? {} : { data: state.data }),
    ...(state.error === undefined || state.key !== key ? {} : { error: state.error }),
    loading: enabled && state.key !== key,
  };
}
