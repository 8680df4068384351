import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { LRUCache } from "lru-cache";
import type { StoredFunction } from "../analyse/stored-functions.js";
import { atNow, compiledKey, type CompiledQuery } from "../compile.js";
import type { QueryParameters } from "../result.js";
import { QueryError } from "../errors.js";
import type { CompileReply, CompileRequest } from "./protocol.js";

const workerUrl = new URL("./worker.js", import.meta.url);

/**
 * Whether the compiled worker is there to start. Run from TypeScript sources (as in the unit tests) it is
 * not, and queries are then compiled on the calling thread.
 */
export function compileThreadAvailable(): boolean {
  return workerUrl.protocol === "file:" && existsSync(fileURLToPath(workerUrl));
}

interface Pending {
  readonly key: string;
  readonly texts: LRUCache<string, CompiledQuery>;
  readonly resolve: (compiled: CompiledQuery) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The process's compiler thread (see worker.ts), started on first use. Compiled queries are kept here too,
 * so a repeated dashboard query costs no round trip (one that reads now() is moved to the run's now()).
 */
class CompileThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  /** By the stored functions' list (the store keeps one list until a function changes), then by text. */
  private readonly compiled = new WeakMap<readonly StoredFunction[], LRUCache<string, CompiledQuery>>();

  /** Starts the thread, which warms Kusto.Language up at once; a no-op when it runs already. */
  start(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(workerUrl);
    worker.on("message", (reply: CompileReply) => this.settle(reply));
    worker.on("error", (error) => this.stop(error));
    worker.on("exit", (code) => this.stop(new Error(`the KQL compiler thread stopped (exit code ${code})`)));
    // An idle compiler must not keep the process alive; a pending request refs it (see compile). After the
    // listeners: adding a "message" listener refs the worker's port again.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  compile(
    query: string,
    nowMicros: bigint,
    functions: readonly StoredFunction[],
    parameters: QueryParameters,
  ): Promise<CompiledQuery> {
    let texts = this.compiled.get(functions);
    if (texts === undefined) {
      texts = new LRUCache<string, CompiledQuery>({ max: 512 });
      this.compiled.set(functions, texts);
    }
    const key = compiledKey(query, parameters);
    const cached = texts.get(key);
    if (cached !== undefined) return Promise.resolve(atNow(cached, nowMicros));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<CompiledQuery>((resolve, reject) => {
      this.pending.set(id, { key, texts, resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, query, nowMicros, functions, parameters } satisfies CompileRequest);
    });
  }

  private settle(reply: CompileReply): void {
    const waiting = this.pending.get(reply.id);
    if (waiting === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.ok) {
      waiting.texts.set(waiting.key, reply.compiled);
      waiting.resolve(reply.compiled);
    } else if (reply.code !== undefined) {
      waiting.reject(new QueryError(reply.code, reply.message, reply.diagnostics));
    } else {
      waiting.reject(new Error(reply.message));
    }
  }

  /** A thread that failed fails what waits on it; the next query starts a new one. */
  private stop(error: Error): void {
    this.worker = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const w of waiting) w.reject(error);
  }
}

export const compileThread = new CompileThread();
