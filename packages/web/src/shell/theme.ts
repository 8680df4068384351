// Light and dark themes are CSS variables switched by a data attribute on <html>; the choice is remembered,
// and until one is made the system preference decides.

import { useCallback, useEffect, useState } from "react";

export type Theme = "light" | "dark";
const storageKey = "svcmap.theme";

function initialTheme(): Theme {
  const saved = window.localStorage.getItem(storageKey);
  if (saved === "light" || saved === "dark") return saved;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset["theme"] = theme;
  }, [theme]);
  const toggle = useCallback(() => {
    setTheme((current) => {
      const next = current === "dark" ? "light" : "dark";
      window.localStorage.setItem(storageKey, next);
      return next;
    });
  }, []);
  return [theme, toggle];
}

/** Reads a theme colour (a CSS variable) for libraries that draw on canvas and cannot use CSS. */
export function themeColor(variable: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(variable).trim();
}
