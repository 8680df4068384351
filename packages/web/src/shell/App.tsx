import type { ComponentType } from "react";
import { lazyModule, useModule, type LazyModule } from "./lazy-module.js";
import { pages, routeHash, useRoute, type PageName } from "./route.js";
import { useTheme } from "./theme.js";

type PageModule = LazyModule<{ default: ComponentType<{ params: URLSearchParams }> }>;

// Each page is its own chunk: the map does not load the query editor, and the reverse.
const pageModules: Readonly<Record<PageName, PageModule>> = {
  map: lazyModule(() => import("../map/MapPage.js")),
  logs: lazyModule(() => import("../logs/LogsPage.js")),
  workbooks: lazyModule(() => import("../workbooks/WorkbooksPage.js")),
};

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
        <LazyPage key={route.page} page={pageModules[route.page]} params={route.params} />
      </main>
    </div>
  );
}

function LazyPage({ page, params }: { page: PageModule; params: URLSearchParams }) {
  const { module, error } = useModule(page);
  if (error !== undefined)
    return (
      <p role="alert" className="error-message">
        This page could not be loaded ({error}). Reload to try again.
      </p>
    );
  if (module === undefined) return <p className="loading">Loading…</p>;
  const Page = module.default;
  return <Page params={params} />;
}
