// The compiler's thread: Kusto.Language's parse and analysis are synchronous and take from a few ms to tens
// of ms a query, and its first use builds the schema model for most of a second. Here that work never holds
// up the server's event loop, and the warm-up at start-up runs beside it on the other core.

import { parentPort } from "node:worker_threads";
import { compile } from "../compile.js";
import { QueryError } from "../errors.js";
import type { CompileReply, CompileRequest } from "./protocol.js";

const port = parentPort;
if (port === null) throw new Error("the compile worker must run in a worker thread");

// Warm up before the first request: load Kusto.Language, build the schema model, run its first analysis.
compile("print 1", 0n);

port.on("message", (request: CompileRequest) => {
  let reply: CompileReply;
  try {
    reply = {
      id: request.id,
      ok: true,
      compiled: compile(request.query, request.nowMicros, request.functions, request.parameters),
    };
  } catch (error) {
    reply =
      error instanceof QueryError
        ? {
            id: request.id,
            ok: false,
            code: error.code,
            message: error.message,
            diagnostics: error.diagnostics,
          }
        : {
            id: request.id,
            ok: false,
            message: error instanceof Error ? error.message : String(error),
            diagnostics: [],
          };
  }
  port.postMessage(reply);
});
