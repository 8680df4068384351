import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Relative asset URLs: the workspace serves the built app from its own root, behind any reverse-proxy prefix.
export default defineConfig({
  base: "./",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 4096 },
});
