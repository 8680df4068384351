// A server-wide limit on queries running at once. DuckDB already uses every core for one query, so running
// many at once only makes each slower and multiplies memory; extra queries wait in a bounded queue, and
// once that is full the server answers 429 at once instead of taking on work it cannot finish. Plugins that
// run queries of their own (the map) find the gate as `app.queryGate` and go through it as well.

import type { QueryRunner } from "./query-routes.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The server's limit on queries running at once, for plugins whose routes run queries. */
    readonly queryGate: QueryGate;
  }
}

export class QueueFullError extends Error {
  constructor(readonly queued: number) {
    super(`the server is busy: ${queued} queries are already waiting`);
    this.name = "QueueFullError";
  }
}

export class GateAbortedError extends Error {
  constructor() {
    super("the request went away while it waited for its turn");
    this.name = "GateAbortedError";
  }
}

export interface QueryGateStats {
  readonly running: number;
  readonly queued: number;
}

interface Waiter {
  readonly start: () => void;
  readonly onAbort: () => void;
}

export class QueryGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly maxRunning: number,
    readonly maxQueued: number,
  ) {
    if (!(maxRunning >= 1)) throw new Error("a query gate needs room for at least one running query");
    if (!(maxQueued >= 0)) throw new Error("a query gate's queue length cannot be negative");
  }

  get stats(): QueryGateStats {
    return { running: this.running, queued: this.waiting.length };
  }

  /**
   * Runs `work` when a slot is free. Throws QueueFullError at once when the queue is full, and
   * GateAbortedError if `signal` aborts while the work is still waiting (the work then never starts).
   */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(new GateAbortedError());
    if (this.running < this.maxRunning) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxQueued) return Promise.reject(new QueueFullError(this.waiting.length));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener("abort", waiter.onAbort);
          resolve();
        },
        onAbort: () => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(new GateAbortedError());
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so `running` stays the same.
    if (next !== undefined) next.start();
    else this.running--;
  }
}

/** A query runner whose every query waits for its turn at `gate` (and gives up its place if `signal` aborts). */
export function throughGate(gate: QueryGate, runner: QueryRunner): QueryRunner {
  return { run: (query, options) => gate.run(() => runner.run(query, options), options?.signal) };
}
