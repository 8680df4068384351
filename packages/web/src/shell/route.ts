// The view lives in the URL's hash (#/map?machine=…&from=…), so every view can be bookmarked and shared and
// the workspace needs no server-side routes for the app.

import { useCallback, useSyncExternalStore } from "react";

export type PageName = "map" | "logs" | "workbooks";
export const pages: readonly PageName[] = ["map", "logs", "workbooks"];

export interface Route {
  readonly page: PageName;
  readonly params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, "");
  const queryAt = text.indexOf("?");
  const path = queryAt < 0 ? text : text.slice(0, queryAt);
  const params = new URLSearchParams(queryAt < 0 ? "" : text.slice(queryAt + 1));
  const page = (pages as readonly string[]).includes(path) ? (path as PageName) : "map";
  return { page, params };
}

export function routeHash(page: PageName, params?: URLSearchParams | Record<string, string>): string {
  const search = new URLSearchParams(params).toString();
  return `#/${page}${search === "" ? "" : `?${search}`}`;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

/** The current route, and a navigation function; `replace` rewrites the history entry instead of adding one. */
export function useRoute(): [
  Route,
  (page: PageName, params?: Record<string, string>, replace?: boolean) => void,
] {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  const navigate = useCallback((page: PageName, params?: Record<string, string>, replace = false) => {
    const next = routeHash(page, params);
    if (replace) window.history.replaceState(null, "", next);
    else window.history.pushState(null, "", next);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  }, []);
  return [parseRoute(hash), navigate];
}
