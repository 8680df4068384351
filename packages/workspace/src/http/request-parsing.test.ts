import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "./loopback.js";
import { parsePreferHeader } from "./prefer-header.js";
import { GateAbortedError, QueryGate, QueueFullError } from "./query-gate.js";

describe("isLoopbackHost", () => {
  it("knows loopback addresses from the rest", () => {
    for (const host of [
      "localhost",
      "127.0.0.1",
      "127.8.9.10",
      "::1",
      "[::1]",
      "0:0:0:0:0:0:0:1",
      "::ffff:127.0.0.1",
    ]) {
      expect({ host, loopback: isLoopbackHost(host) }).toEqual({ host, loopback: true });
    }
    for (const host of [
      "0.0.0.0",
      "::",
      "10.0.0.1",
      "128.0.0.1",
      "::2",
      "example.com",
      "localhost.example.com",
    ]) {
      expect({ host, loopback: isLoopbackHost(host) }).toEqual({ host, loopback: false });
    }
  });
});

describe("parsePreferHeader", () => {
  it("reads the Query API's preferences in any case and order, across repeated headers", () => {
    expect(parsePreferHeader("Wait=600, include-statistics=true")).toEqual({
      includeRender: false,
      includeStatistics: true,
      waitSeconds: 600,
    });
    expect(parsePreferHeader(["include-render=TRUE", "wait=abc"])).toEqual({
      includeRender: true,
      includeStatistics: false,
    });
    expect(parsePreferHeader(undefined)).toEqual({ includeRender: false, includeStatistics: false });
  });
});

describe("QueryGate", () => {
  it("runs up to its limit, queues the next ones in order and refuses beyond the queue", async () => {
    const gate = new QueryGate(1, 1);
    const order: string[] = [];
    let release!: () => void;
    const first = gate.run(() => new Promise<void>((r) => (release = r)).then(() => order.push("first")));
    const second = gate.run(async () => order.push("second"));
    await expect(gate.run(async () => order.push("third"))).rejects.toBeInstanceOf(QueueFullError);
    expect(gate.stats).toEqual({ running: 1, queued: 1 });
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["first", "second"]);
    expect(gate.stats).toEqual({ running: 0, queued: 0 });
  });

  it("drops a waiting query whose signal aborts, and never starts it", async () => {
    const gate = new QueryGate(1, 4);
    let release!: () => void;
    const first = gate.run(() => new Promise<void>((r) => (release = r)));
    const abort = new AbortController();
    let started = false;
    const waiting = gate.run(async () => {
      started = true;
    }, abort.signal);
    abort.abort();
    await expect(waiting).rejects.toBeInstanceOf(GateAbortedError);
    expect(gate.stats.queued).toBe(0);
    release();
    await first;
    expect(started).toBe(false);
    expect(gate.stats.running).toBe(0);
  });
});
