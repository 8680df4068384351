import { useEffect, useState } from "react";
import { ApiRequestError } from "../api/client.js";

export interface Loaded<T> {
  readonly data?: T;
  readonly error?: string;
  readonly loading: boolean;
}

/** Loads once per change of `key`, cancelling the previous request; the last answer stays while the next loads. */
export function useLoad<T>(key: string, load: ((signal: AbortSignal) => Promise<T>) | undefined): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: true });
  useEffect(() => {
    if (load === undefined) return;
    const abort = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    load(abort.signal).then(
      (data) => {
        if (!abort.signal.aborted) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        setState({ error: error instanceof ApiRequestError ? error.message : String(error), loading: false });
      },
    );
    return () => abort.abort();
    // The key names everything `load` depends on.
  }, [key, load === undefined]);
  return state;
}
