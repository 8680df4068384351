// The theme in force (the data-theme attribute the shell sets on <html>), for views drawn by libraries that
// take colours in code rather than from CSS: they redraw when it changes.

import { useSyncExternalStore } from "react";

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}

export function useDocumentTheme(): "light" | "dark" {
  return useSyncExternalStore(subscribe, () =>
    document.documentElement.dataset["theme"] === "dark" ? "dark" : "light",
  );
}
