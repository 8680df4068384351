// Where the built web UI lives, for the workspace server to serve. The app is built by `vite build` into
// dist/ beside this package; a checkout that has not built it yet serves no UI rather than failing.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const builtApp = fileURLToPath(new URL("../dist/", import.meta.url));

/** The folder holding the built app's index.html, or undefined when the app has not been built. */
export function webAssetsDir(): string | undefined {
  return existsSync(`${builtApp}index.html`) ? builtApp : undefined;
}
