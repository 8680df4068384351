// Sends spooled batches to the workspace, oldest first, one at a time: PUT to the agent endpoint with the
// batch id, gzip-encoded. A batch leaves the spool only when the workspace has answered that it is stored
// (or that it was a repeat). Failures back off exponentially with jitter; 429 and 503 wait as Retry-After
// says; a batch the workspace rejects as invalid is dropped and counted, as retrying cannot help.

import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Spool, SpooledBatch } from "./spool.js";

export interface ShipperOptions {
  readonly workspaceUrl: string;
  readonly key?: string;
  readonly spool: Spool;
  readonly log: (message: string) => void;
  /** Longest wait between attempts (default 60 s). */
  readonly maxBackoffMs?: number;
  readonly requestTimeoutMs?: number;
}

export class Shipper {
  private running = false;
  private wake: (() => void) | undefined;
  private stopped = false;
  private failures = 0;
  private rejected = 0;
  private loop: Promise<void> | undefined;
  private lastError = "";

  constructor(private readonly options: ShipperOptions) {}

  /** Starts sending in the background; `notify` after adding to the spool sends without waiting. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  notify(): void {
    this.wake?.();
  }

  /** Batches the workspace refused as invalid since the start. */
  get rejectedBatches(): number {
    return this.rejected;
  }

  get lastFailure(): string {
    return this.lastError;
  }

  /** Tries until the spool is empty or `deadlineMs` passes; then stops. Returns what is left. */
  async flushAndStop(deadlineMs: number): Promise<number> {
    const until = Date.now() + deadlineMs;
    while (Date.now() < until && this.options.spool.list().length > 0) {
      this.notify();
      await sleep(100);
    }
    this.stopped = true;
    this.notify();
    await this.loop;
    return this.options.spool.list().length;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const next = this.options.spool.list()[0];
      if (next === undefined) {
        await this.idle(60_000, true);
        continue;
      }
      const waitMs = await this.send(next);
      // A new batch must not cut short a wait the workspace asked for (Retry-After) or a backoff.
      if (waitMs > 0) await this.idle(waitMs, false);
    }
  }

  /** Sends one batch; the time to wait before the next attempt (0 to go on at once). */
  private async send(batch: SpooledBatch): Promise<number> {
    const { workspaceUrl, key, spool } = this.options;
    const url = `${workspaceUrl.replace(/\/+$/, "")}/v1/agent/tables/${batch.table}/batches/${batch.batchId}`;
    let body: Buffer;
    try {
      body = spool.read(batch);
    } catch {
      return 0; // dropped by the spool's bound meanwhile
    }
    try {
      const response = await put(
        url,
        {
          "content-type": "application/x-ndjson",
          "content-encoding": "gzip",
          ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        },
        body,
        this.options.requestTimeoutMs ?? 30_000,
      );
      const text = response.text;
      if (response.ok) {
        spool.remove(batch);
        this.failures = 0;
        return 0;
      }
      if (response.status === 429 || response.status === 503) {
        this.lastError = `workspace busy (${response.status})`;
        return retryAfterMs(response.retryAfter) ?? this.backoff();
      }
      if (response.status === 400 || response.status === 413) {
        spool.remove(batch);
        this.rejected++;
        this.options.log(
          `the workspace rejected ${batch.table} batch ${batch.batchId}: ${text.slice(0, 500)}`,
        );
        return 0;
      }
      this.lastError = `HTTP ${response.status}: ${text.slice(0, 200)}`;
      if (response.status === 401 || response.status === 403)
        this.options.log(`the workspace refused the key: ${text.slice(0, 300)}`);
      return this.backoff();
    } catch (error) {
      this.lastError =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
      return this.backoff();
    }
  }

  private backoff(): number {
    this.failures++;
    const ceiling = Math.min(
      this.options.maxBackoffMs ?? 60_000,
      1000 * 2 ** Math.min(this.failures - 1, 16),
    );
    // Full jitter: agents that lost the workspace together do not all come back at the same instant.
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private idle(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = (): void => {
        this.wake = undefined;
        clearTimeout(timer);
        resolve();
      };
      function done(): void {
        resolve();
      }
      // Stopping always wakes; new work only wakes an idle loop.
      this.wake = wakeable ? wake : () => (this.stopped ? wake() : undefined);
    });
  }
}

interface PutResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly text: string;
}

/**
 * One PUT with Node's own http(s) client: an agent runs all day on every server, and fetch's client costs
 * it a tenth more memory for nothing this needs.
 */
function put(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  timeoutMs: number,
): Promise<PutResponse> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith("https:") ? httpsRequest : httpRequest;
    const request = send(
      url,
      { method: "PUT", headers: { ...headers, "content-length": body.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          const retryAfter = response.headers["retry-after"];
          resolve({
            ok: status >= 200 && status < 300,
            status,
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            text: Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", reject);
    request.end(body);
  });
}

function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
