// The native sock_diag reader against ss on real sockets: both must list the same sockets, states,
// addresses, inodes and byte counters, in this namespace and in another one.

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  nativeSockDiagUnavailable,
  readSocketTableNative,
  socketInodeNative,
  SocketRecordDecoder,
} from "./sock-diag.js";
import { readSocketTableWithSs, type SocketEntry } from "./socket-table.js";

const key = (e: SocketEntry): string =>
  `${e.protocol} ${e.state} ${e.localIp}:${e.localPort} ${e.remoteIp}:${e.remotePort} ino:${e.inode}`;

const native = nativeSockDiagUnavailable() === "";
const namespace = `svcmap-sockdiag-${process.pid}`;
const open: { close(): void }[] = [];
let client: Socket;
let dualServer: Server;
let dualPort = 0;
let inNamespace: ChildProcess | undefined;

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve) => server.listen(port, host, resolve));
}

beforeAll(async () => {
  if (!native) return;
  const v4 = createServer((socket) => socket.on("data", (d) => socket.write(Buffer.concat([d, d]))));
  const v6only = createServer();
  const dual = createServer();
  await listen(v4, 0, "127.0.0.1");
  await new Promise<void>((resolve) => v6only.listen({ port: 0, host: "::1", ipv6Only: true }, resolve));
  await listen(dual, 0, "::");
  dualServer = dual;
  dualPort = (dual.address() as { port: number }).port;
  const udp = createSocket("udp4");
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  open.push(v4, v6only, dual, { close: () => udp.close() });
  const port = (v4.address() as { port: number }).port;
  client = createConnection(port, "127.0.0.1");
  open.push({ close: () => client.destroy() });
  await new Promise<void>((resolve) => client.once("connect", resolve));
  client.write(Buffer.alloc(3000, 1));
  await new Promise<void>((resolve) => client.once("data", () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 200));
  if (process.getuid?.() === 0) {
    execFileSync("ip", ["netns", "add", namespace]);
    execFileSync("ip", ["-n", namespace, "link", "set", "lo", "up"]);
    inNamespace = spawn(
      "ip",
      [
        "netns",
        "exec",
        namespace,
        process.execPath,
        "-e",
        "require('net').createServer().listen(4567, '127.0.0.1')",
      ],
      { stdio: "ignore" },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
});

afterAll(() => {
  for (const item of open) item.close();
  inNamespace?.kill("SIGKILL");
  if (inNamespace !== undefined) execFileSync("ip", ["netns", "delete", namespace]);
});

describe.skipIf(!native)("the native sock_diag reader", () => {
  it("lists exactly the sockets ss lists, with the same states, addresses and inodes", async () => {
    const bySs = (await readSocketTableWithSs()).map(key).sort();
    const byNative = (readSocketTableNative() ?? []).map(key).sort();
    expect(byNative).toEqual(bySs);
    // The test's own sockets are among them: a dual-stack wildcard listener is both :: and 0.0.0.0.
    expect(
      byNative.filter((k) => k.startsWith("tcp LISTEN ::") || k.startsWith("tcp LISTEN 0.0.0.0")),
    ).not.toHaveLength(0);
  });

  it("reads tcp_info's byte counters, as ss does", async () => {
    const local = client.localPort;
    const mine = (entries: readonly SocketEntry[]): SocketEntry | undefined =>
      entries.find((e) => e.protocol === "tcp" && e.localPort === local && e.state === "ESTAB");
    const viaSs = mine(await readSocketTableWithSs());
    const viaNative = mine(readSocketTableNative() ?? []);
    expect(viaNative).toMatchObject({ bytesSent: 3000, bytesReceived: 6000 });
    expect(viaNative).toEqual(viaSs);
  });

  it.skipIf(process.getuid?.() !== 0)("reads another network namespace through its /proc/PID/ns/net", () => {
    const entries = readSocketTableNative(`/proc/${inNamespace?.pid ?? 0}/ns/net`) ?? [];
    expect(entries.map(key)).toEqual([
      expect.stringMatching(/^tcp LISTEN 127\.0\.0\.1:4567 0\.0\.0\.0:0 ino:\d+$/),
    ]);
  });

  it("finds one socket's inode from its endpoints, IPv4, IPv6 and IPv4 on a dual-stack socket", async () => {
    const inodeByDump = (localPort: number): number | undefined =>
      (readSocketTableNative() ?? []).find((e) => e.state === "ESTAB" && e.localPort === localPort)?.inode;
    const v4 = socketInodeNative({
      protocol: "tcp",
      localIp: "127.0.0.1",
      localPort: client.localPort!,
      remoteIp: "127.0.0.1",
      remotePort: client.remotePort!,
    });
    expect(v4).toBe(inodeByDump(client.localPort!));
    expect(v4).toBeGreaterThan(0);
    for (const [host, peer] of [
      ["::1", "::1"],
      ["127.0.0.1", "127.0.0.1"],
    ] as const) {
      // The dual-stack listener accepts an IPv4 client on an IPv6 socket (::ffff:127.0.0.1).
      const accepted = new Promise<Socket>((resolve) => dualServer.once("connection", resolve));
      const socket = createConnection(dualPort, host);
      open.push({ close: () => socket.destroy() });
      await new Promise<void>((resolve) => socket.once("connect", resolve));
      const serverSide = await accepted;
      const inode = socketInodeNative({
        protocol: "tcp",
        localIp: peer,
        localPort: dualPort,
        remoteIp: peer,
        remotePort: socket.localPort!,
      });
      expect(inode).toBeGreaterThan(0);
      const accepting = (readSocketTableNative() ?? []).find(
        (e) => e.state === "ESTAB" && e.localPort === dualPort && e.remotePort === socket.localPort,
      );
      expect(inode).toBe(accepting?.inode);
      serverSide.destroy();
    }
    expect(
      socketInodeNative({
        protocol: "tcp",
        localIp: "127.0.0.1",
        localPort: 1,
        remoteIp: "127.0.0.1",
        remotePort: 2,
      }),
    ).toBe(0);
  });

  it("says what it could not open", () => {
    expect(() => readSocketTableNative("/nonexistent/ns/net")).toThrow(
      /\/nonexistent\/ns\/net: No such file/,
    );
  });
});

describe("decoding socket records poll after poll", () => {
  function record(inode: number, bytesSent: number): Buffer {
    const r = Buffer.alloc(64);
    r[0] = 4;
    r[1] = 6;
    r[2] = 1;
    r[3] = 1;
    r.writeUInt16LE(40000, 4);
    r.writeUInt16LE(443, 6);
    r.set([10, 0, 0, 1], 8);
    r.set([10, 0, 0, 2], 24);
    r.writeUInt32LE(inode, 40);
    r.writeBigUInt64LE(BigInt(bytesSent), 48);
    return r;
  }

  it("hands back the same entry for an unchanged socket and a new one when its counters moved", () => {
    const decoder = new SocketRecordDecoder();
    const [idle, busy] = decoder.decode(Buffer.concat([record(1, 100), record(2, 100)]));
    const [idleAgain, busyAgain] = decoder.decode(Buffer.concat([record(1, 100), record(2, 250)]));
    expect(idleAgain).toBe(idle);
    expect(busyAgain).not.toBe(busy);
    expect(busyAgain).toEqual({ ...busy, bytesSent: 250 });
    expect(idle).toEqual({
      protocol: "tcp",
      state: "ESTAB",
      localIp: "10.0.0.1",
      localPort: 40000,
      remoteIp: "10.0.0.2",
      remotePort: 443,
      inode: 1,
      bytesSent: 100,
      bytesReceived: 0,
    });
  });

  it("recognises an unchanged socket wherever its record moved in the dump", () => {
    const decoder = new SocketRecordDecoder();
    const [first, second, third] = decoder.decode(
      Buffer.concat([record(1, 100), record(2, 100), record(3, 100)]),
    );
    // The first socket closed and the others moved up; then the third changed, at its new place.
    const [secondAgain, thirdAgain] = decoder.decode(Buffer.concat([record(2, 100), record(3, 100)]));
    expect(secondAgain).toBe(second);
    expect(thirdAgain).toBe(third);
    const [, thirdChanged, fourth] = decoder.decode(
      Buffer.concat([record(2, 100), record(3, 300), record(4, 100)]),
    );
    expect(thirdChanged).toEqual({ ...third, bytesSent: 300 });
    expect(fourth).toEqual({ ...first, inode: 4 });
    const [, thirdStill] = decoder.decode(Buffer.concat([record(2, 100), record(3, 300)]));
    expect(thirdStill).toBe(thirdChanged);
  });

  it("gives every decoded entry the same fields, counters or not", () => {
    const withoutCounters = record(5, 0);
    withoutCounters[3] = 0;
    const [entry] = new SocketRecordDecoder().decode(withoutCounters);
    const [other] = new SocketRecordDecoder().decode(record(6, 1));
    expect(Object.keys(entry!)).toEqual(Object.keys(other!));
    expect(entry!.bytesSent).toBeUndefined();
  });
});
