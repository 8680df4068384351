// The parse worker: reads files, parses and checks their rows and lays them out as data chunks, which it
// transfers to the thread that appends them to DuckDB. The two threads work at once, so parsing no longer
// waits for DuckDB nor DuckDB for parsing.

import { parentPort, workerData } from "node:worker_threads";
import { tables } from "@svcmap/model";
import { ChunkBuilder } from "../store/chunk-builder.js";
import { IngestError } from "./ingest-error.js";
import { RowChecker } from "./row-checker.js";
import { fileRowSource } from "./row-sources.js";
import {
  chunksInFlight,
  chunkTransferList,
  type FromParseWorker,
  type ParseWorkerRequest,
  type ToParseWorker,
} from "./worker-protocol.js";

const port = parentPort;
if (port === null) throw new Error("parse-worker.js runs only as a worker thread");
const request = workerData as ParseWorkerRequest;

let credits = chunksInFlight;
let wake: (() => void) | undefined;
port.on("message", (message: ToParseWorker) => {
  if (message.type !== "appended") return;
  credits++;
  wake?.();
  wake = undefined;
});

function send(message: FromParseWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

async function run(): Promise<void> {
  const checker = new RowChecker(request.table, request.workspaceId, request.arrivalTimeMs);
  const builder = new ChunkBuilder(
    tables[request.table],
    (columns, rows) => {
      credits--;
      send({ type: "chunk", columns, rows }, chunkTransferList(columns));
    },
    true,
  );
  const checkHeader = checker.checkColumnNames.bind(checker);
  for (const path of request.paths) {
    const source = await fileRowSource(path);
    for await (const rows of source.rows(checkHeader)) {
      for (const row of rows) checker.write(row, source.name, source.encoding, builder);
      while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  builder.flush();
  send({ type: "done", rows: checker.rows, billedBytesByHour: [...checker.tally.hours] });
}

run().catch((error: unknown) => {
  if (error instanceof IngestError)
    send({ type: "rejected", location: error.location, detail: error.detail });
  else send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
});
