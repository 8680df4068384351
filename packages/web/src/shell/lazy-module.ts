// Code split into chunks of its own (the pages, Cytoscape), loaded without React.lazy and Suspense: React
// holds back the reveal of a Suspense boundary's content until 300 ms after its fallback appeared, and a
// lazy component suspends once more on its first render even when its chunk is already in. On the map page
// those two waits were more than half of the time from navigation to the drawn map.

import { useEffect, useState } from "react";

export interface LazyModule<T> {
  /** Starts loading (once) and resolves to the module. */
  readonly load: () => Promise<T>;
  /** The module, once loaded. */
  readonly current: () => T | undefined;
}

export function lazyModule<T>(importer: () => Promise<T>): LazyModule<T> {
  let promise: Promise<T> | undefined;
  let module: T | undefined;
  const load = (): Promise<T> => {
    promise ??= importer().then((m) => (module = m));
    return promise;
  };
  return { load, current: () => module };
}

export type ModuleState<T> =
  | { readonly module: T; readonly error?: undefined }
  | { readonly module?: undefined; readonly error?: string };

/** The module when it is loaded (starting the load on first use), or the reason it could not be. */
export function useModule<T>(lazy: LazyModule<T>): ModuleState<T> {
  const [state, setState] = useState<ModuleState<T>>(() => {
    const module = lazy.current();
    return module === undefined ? {} : { module };
  });
  useEffect(() => {
    if (state.module !== undefined || state.error !== undefined) return;
    let live = true;
    lazy.load().then(
      (module) => live && setState({ module }),
      (error: unknown) => live && setState({ error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [lazy, state]);
  const module = lazy.current();
  // A module that arrived since the last render is used at once.
  return module !== undefined && state.module === undefined ? { module } : state;
}
