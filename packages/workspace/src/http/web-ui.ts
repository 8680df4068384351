// The web UI: the built single-page app, served from the server's root beside the APIs. The app's own assets
// need no key (they hold no data); every API call the app makes is authorised like any other client's.

import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";

/** Serves the app built into `assetsDir` (its index.html at `/`). */
export function webUiPlugin(assetsDir: string): FastifyPluginAsync {
  return async (app) => {
    await app.register(fastifyStatic, {
      root: assetsDir,
      prefix: "/",
      index: ["index.html"],
      cacheControl: false,
      // Hashed asset names never change content; index.html must always be fetched anew to pick up a release.
      setHeaders: (reply, path) => {
        reply.setHeader(
          "cache-control",
          path.endsWith(".html") ? "no-cache" : "public, max-age=31536000, immutable",
        );
      },
    });
  };
}
