import { lazy, Suspense } from "react";
import { pages, routeHash, useRoute, type PageName } from "./route.js";
import { useTheme } from "./theme.js";

// Each page is its own chunk: the map does not load the query editor, and the reverse.
const MapPage = lazy(() => import("../map/MapPage.js"));
const LogsPage = lazy(() => import("../logs/LogsPage.js"));
const WorkbooksPage = lazy(() => import("../workbooks/WorkbooksPage.js"));

const titles: Readonly<Record<PageName, string>> = { map: "Map", logs: "Logs", workbooks: "Workbooks" };

export function App() {
  const [route] = useRoute();
  const [theme, toggleTheme] = useTheme();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">svcmap</span>
        <nav aria-label="Pages">
          <ul>
            {pages.map((page) => (
              <li key={page}>
                <a href={routeHash(page)} aria-current={route.page === page ? "page" : undefined}>
                  {titles[page]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          className="theme-toggle"
          onClick={toggleTheme}
          aria-label={theme === "dark" ? "Switch to the light theme" : "Switch to the dark theme"}
        >
          {theme === "dark" ? "☀" : "☾"}
        </button>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <Suspense fallback={<p className="loading">Loading…</p>}>
          {route.page === "map" && <MapPage params={route.params} />}
          {route.page === "logs" && <LogsPage params={route.params} />}
          {route.page === "workbooks" && <WorkbooksPage params={route.params} />}
        </Suspense>
      </main>
    </div>
  );
}
