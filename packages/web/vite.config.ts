import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Relative asset URLs: the workspace serves the built app from its own root, behind any reverse-proxy prefix.
// Kusto's language service is a Bridge.NET build that, once bundled as a CommonJS module, looks for Node's
// `global`; in a browser (and its workers) that is `globalThis`.
export default defineConfig({
  base: "./",
  plugins: [react()],
  define: { global: "globalThis" },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 12_288 },
});
