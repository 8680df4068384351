import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { RowAppender } from "../store/table-appender.js";
import type { BatchFill } from "./ingest-batch.js";
import { IngestError } from "./ingest-error.js";
import { UsageTally } from "./usage-tally.js";
import type { FromParseWorker, ParseWorkerRequest, ToParseWorker } from "./worker-protocol.js";

const workerUrl = new URL("./parse-worker.js", import.meta.url);

/**
 * Whether the compiled worker is there to start. Run from TypeScript sources (as in the unit tests) it is
 * not, and files are then parsed on this thread.
 */
export function parseWorkerAvailable(): boolean {
  return workerUrl.protocol === "file:" && existsSync(fileURLToPath(workerUrl));
}

/** Appends the rows of `request.paths`, parsed in a worker thread, to `appender`. */
export function appendFromParseWorker(
  appender: RowAppender,
  request: ParseWorkerRequest,
): Promise<BatchFill> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl, { workerData: request });
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      outcome();
    };
    worker.on("message", (message: FromParseWorker) => {
      try {
        switch (message.type) {
          case "chunk":
            appender.appendChunk(message.columns, message.rows);
            worker.postMessage({ type: "appended" } satisfies ToParseWorker);
            return;
          case "done": {
            const tally = new UsageTally();
            for (const [hour, bytes] of message.billedBytesByHour) tally.add(hour, bytes);
            return finish(() => resolve({ rows: message.rows, tally }));
          }
          case "rejected":
            return finish(() => reject(new IngestError(message.location, message.detail)));
          case "failed":
            return finish(() => reject(new Error(message.message)));
        }
      } catch (error) {
        finish(() => reject(error));
      }
    });
    worker.on("error", (error) => finish(() => reject(error)));
    worker.on("exit", (code) =>
      finish(() => reject(new Error(`the parse worker stopped (exit code ${code})`))),
    );
  });
}
