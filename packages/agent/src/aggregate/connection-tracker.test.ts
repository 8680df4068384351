import { describe, expect, it } from "vitest";
import {
  ConnectionTracker,
  emptyCounts,
  polledConnection,
  type Endpoints,
  type PolledConnection,
} from "./connection-tracker.js";
import { unknownProcess, type ProcessRef } from "./owners.js";

const curl: ProcessRef = { process: "p-curl", processName: "curl", pid: 10 };
const nginx: ProcessRef = { process: "p-nginx", processName: "nginx", pid: 20 };
const out: Endpoints = {
  netns: "",
  protocol: "tcp",
  localIp: "10.0.0.2",
  localPort: 40000,
  remoteIp: "10.0.0.1",
  remotePort: 80,
};

function polled(overrides: Partial<PolledConnection> = {}): PolledConnection {
  return polledConnection({ ...out, direction: "outbound", owner: curl, connecting: false, ...overrides });
}

const owners = (): ProcessRef => nginx;

describe("following connections", () => {
  it("counts a connection that opened and closed between polls from its handshake and FINs", () => {
    const tracker = new ConnectionTracker();
    tracker.observePoll([], 0);
    tracker.observeSyn(out, "outbound", 1000, 1);
    tracker.attribute(out, curl);
    tracker.observeSynAck(out, false, 5000, 2);
    // 300 bytes sent, 70,000 received: the FINs' sequence numbers say so.
    tracker.observeClose(out, true, false, 1000 + 1 + 300, 3);
    tracker.observeClose(out, false, false, 5000 + 1 + 70_000, 4);
    tracker.observePoll([], 5000);
    const [minute] = tracker.takeMinute(owners);
    expect(minute?.key).toMatchObject({
      direction: "outbound",
      owner: curl,
      destinationIp: "10.0.0.1",
      destinationPort: 80,
    });
    expect(minute?.counts).toEqual({
      ...emptyCounts(),
      established: 1,
      terminated: 1,
      live: 0,
      failed: 0,
      bytesSent: 300,
      bytesReceived: 70_000,
    });
    expect(tracker.takeMinute(owners)).toEqual([]);
  });

  it("counts a reset answer to a SYN, and an attempt that vanished unanswered, as failed", () => {
    const tracker = new ConnectionTracker();
    tracker.observePoll([], 0);
    tracker.observeSyn(out, "outbound", 1, 1);
    tracker.observeClose(out, false, true, 0, 2);
    const other = { ...out, localPort: 40001 };
    tracker.observePoll([polled({ ...other, connecting: true })], 1000);
    tracker.observePoll([], 6000);
    const [minute, ...rest] = tracker.takeMinute(() => curl);
    expect(rest).toEqual([]);
    expect(minute?.counts).toMatchObject({ established: 0, failed: 2, terminated: 0 });
  });

  it("takes byte counters from polls, and does not count connections open before the first poll as new", () => {
    const tracker = new ConnectionTracker();
    tracker.observePoll([polled({ bytesSent: 100, bytesReceived: 200 })], 0);
    tracker.observePoll([polled({ bytesSent: 150, bytesReceived: 1200 })], 15_000);
    const [first] = tracker.takeMinute(owners);
    expect(first?.counts).toEqual({
      ...emptyCounts(),
      established: 0,
      terminated: 0,
      live: 1,
      failed: 0,
      bytesSent: 50,
      bytesReceived: 1000,
    });
    const fresh = { ...out, localPort: 40002 };
    tracker.observePoll([polled({ bytesSent: 160 }), polled({ ...fresh, bytesSent: 10 })], 30_000);
    tracker.observePoll([polled({ ...fresh, bytesSent: 10 })], 45_000);
    const [second] = tracker.takeMinute(owners);
    expect(second?.counts).toEqual({
      ...emptyCounts(),
      established: 1,
      terminated: 1,
      live: 1,
      failed: 0,
      bytesSent: 20,
      bytesReceived: 0,
    });
  });

  it("counts a connection seen by both a poll and capture once, with the FIN's final bytes", () => {
    const tracker = new ConnectionTracker();
    tracker.observePoll([], 0);
    tracker.observeSyn(out, "outbound", 7, 1);
    tracker.observeSynAck(out, false, 9, 2);
    tracker.observePoll([polled({ bytesSent: 10, bytesReceived: 20 })], 100);
    tracker.observeClose(out, true, false, 7 + 1 + 25, 200);
    tracker.observeClose(out, false, false, 9 + 1 + 40, 201);
    tracker.observePoll([], 15_000);
    expect(tracker.takeMinute(owners)[0]?.counts).toEqual({
      ...emptyCounts(),
      established: 1,
      terminated: 1,
      live: 0,
      failed: 0,
      bytesSent: 25,
      bytesReceived: 40,
    });
  });

  it("gives inbound connections no poll saw to the owner the resolver names", () => {
    const tracker = new ConnectionTracker();
    const inbound = { ...out, localIp: "10.0.0.1", localPort: 80, remoteIp: "10.0.0.2", remotePort: 40000 };
    tracker.observeSyn(inbound, "inbound", 1, 1);
    tracker.observeSynAck(inbound, true, 2, 2);
    const [minute] = tracker.takeMinute((_, direction) => (direction === "inbound" ? nginx : unknownProcess));
    expect(minute?.key).toMatchObject({
      direction: "inbound",
      owner: nginx,
      sourceIp: "10.0.0.2",
      destinationPort: 80,
    });
    expect(minute?.counts).toMatchObject({ established: 1, live: 1 });
  });
});

describe("attributing connections that came and went between polls", () => {
  const curlAgain = { ...out, localPort: 40100 };

  function shortLived(tracker: ConnectionTracker, e: Endpoints, atMs: number): void {
    tracker.observeSyn(e, "outbound", 1, atMs);
    tracker.observeSynAck(e, false, 2, atMs + 1);
    tracker.observeClose(e, true, true, 3, atMs + 2);
  }

  it("gives them to the only process that talked to the same destination lately", () => {
    const tracker = new ConnectionTracker();
    tracker.observePoll([polled()], 0);
    shortLived(tracker, curlAgain, 1000);
    const minute = tracker.takeMinute(() => unknownProcess);
    expect(minute.map((m) => [m.key.owner.process, m.counts.terminated])).toEqual([["p-curl", 1]]);
  });

  it("leaves them unknown when several processes talked to it, or none did lately", () => {
    const tracker = new ConnectionTracker();
    tracker.observePoll([polled(), polled({ ...out, localPort: 40001, owner: nginx })], 0);
    shortLived(tracker, curlAgain, 1000);
    expect(tracker.takeMinute(() => unknownProcess).map((m) => m.key.owner.process)).toContain("");

    const later = new ConnectionTracker();
    later.observePoll([polled()], 0);
    later.observePoll([], 15_000);
    later.takeMinute(() => unknownProcess);
    shortLived(later, curlAgain, 700_000);
    later.observePoll([], 700_000);
    expect(later.takeMinute(() => unknownProcess).map((m) => m.key.owner.process)).toEqual([""]);
  });
});

describe("response times", () => {
  const inbound: Endpoints = {
    ...out,
    localIp: "10.0.0.1",
    localPort: 80,
    remoteIp: "10.0.0.2",
    remotePort: 40000,
  };

  it("times each request to the end of its response, on the client's end", () => {
    const tracker = new ConnectionTracker();
    tracker.observePoll([], 0);
    tracker.observeSyn(out, "outbound", 1000, 1);
    tracker.attribute(out, curl);
    tracker.observeSynAck(out, false, 5000, 2);
    // Request in two writes, answered in two segments 50 ms after the request's last byte.
    tracker.observeData(out, true, 10);
    tracker.observeData(out, true, 12);
    tracker.observeData(out, false, 40);
    tracker.observeData(out, false, 62);
    // A second exchange answered after 20 ms; the FIN completes it.
    tracker.observeData(out, true, 100);
    tracker.observeData(out, false, 120);
    tracker.observeClose(out, true, false, 1000 + 1 + 300, 130);
    const [minute] = tracker.takeMinute(owners);
    expect(minute?.counts).toMatchObject({
      responses: 2,
      responseTimeSum: 70,
      responseTimeMin: 20,
      responseTimeMax: 50,
    });
  });

  it("times the server's answer on an inbound connection, and keeps an unanswered request open", () => {
    const tracker = new ConnectionTracker();
    tracker.observePoll([], 0);
    tracker.observeSyn(inbound, "inbound", 1000, 1);
    tracker.observeSynAck(inbound, true, 5000, 2);
    // Server data before any request (a banner) is no response.
    tracker.observeData(inbound, true, 5);
    tracker.observeData(inbound, false, 10);
    tracker.observeData(inbound, true, 15);
    tracker.observeData(inbound, false, 20);
    expect(tracker.takeMinute(owners)[0]?.counts).toMatchObject({ responses: 1, responseTimeSum: 5 });
    // The request that opened at 20 ms is answered after the minute was taken.
    tracker.observeData(inbound, true, 30);
    expect(tracker.takeMinute(owners)[0]?.counts).toMatchObject({ responses: 1, responseTimeSum: 10 });
    expect(tracker.takeMinute(owners)[0]?.counts).toMatchObject({ responses: 0 });
  });
});
