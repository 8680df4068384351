import { describe, expect, it } from "vitest";
import { canonicalIpv6, normalizeIp } from "./addresses.js";
import { parseSocketTable } from "./socket-table.js";

// Lines as iproute2 6.1's `ss -tuanieOH` prints them (trimmed of the long tcp_info tails).
const sample = [
  "tcp LISTEN    0      511                     *:39999                  *:*     ino:1272387 sk:1a cgroup:/ v6only:0 <-> bbr cwnd:10",
  "tcp LISTEN    0      128               0.0.0.0:2024             0.0.0.0:*     ino:1458 sk:1 cgroup:/ <-> bbr cwnd:10",
  "tcp ESTAB     0      0               127.0.0.1:60246          127.0.0.1:39999 ino:1272388 sk:19 cgroup:/ <-> ts sack bbr wscale:10,10 rto:204 rtt:0.028/0.015 bytes_sent:5000 bytes_acked:5001 bytes_received:4000 segs_out:4",
  "tcp ESTAB     0      0      [::ffff:127.0.0.1]:39999 [::ffff:127.0.0.1]:60246 ino:1272389 sk:1b cgroup:/ <-> bytes_sent:4000 bytes_received:5000",
  "tcp TIME-WAIT 0      0               127.0.0.1:36457          127.0.0.1:56870 timer:(timewait,26sec,0) ino:0 sk:2",
  "tcp SYN-SENT  0      1      [2001:DB8:0:0::5]:41000 [2001:db8::1]:443 ino:77 sk:3 <->",
  "udp UNCONN    0      0      127.0.0.53%lo:53 0.0.0.0:* ino:991 sk:4 <->",
].join("\n");

describe("the socket table", () => {
  it("reads states, addresses, inodes and tcp_info byte counters", () => {
    const entries = parseSocketTable(sample);
    expect(entries).toHaveLength(8);
    // A dual-stack wildcard listener is both 0.0.0.0 and ::.
    expect(entries.slice(0, 2).map((e) => [e.state, e.localIp, e.localPort, e.inode])).toEqual([
      ["LISTEN", "::", 39999, 1272387],
      ["LISTEN", "0.0.0.0", 39999, 1272387],
    ]);
    expect(entries[3]).toEqual({
      protocol: "tcp",
      state: "ESTAB",
      localIp: "127.0.0.1",
      localPort: 60246,
      remoteIp: "127.0.0.1",
      remotePort: 39999,
      inode: 1272388,
      bytesSent: 5000,
      bytesReceived: 4000,
    });
    // IPv4-mapped addresses are the IPv4 peer; IPv6 is canonical; a zone suffix goes.
    expect(entries[4]).toMatchObject({ localIp: "127.0.0.1", remoteIp: "127.0.0.1", bytesSent: 4000 });
    expect(entries[5]).toMatchObject({ state: "TIME-WAIT", inode: 0 });
    expect(entries[6]).toMatchObject({ state: "SYN-SENT", localIp: "2001:db8::5", remoteIp: "2001:db8::1" });
    expect(entries[7]).toMatchObject({
      protocol: "udp",
      state: "UNCONN",
      localIp: "127.0.0.53",
      localPort: 53,
    });
  });

  it("writes IPv6 addresses in RFC 5952 form", () => {
    expect(canonicalIpv6("2001:0DB8:0000:0000:0001:0000:0000:0001")).toBe("2001:db8::1:0:0:1");
    expect(normalizeIp("[fe80::0001%eth0]")).toBe("fe80::1");
    expect(normalizeIp("::FFFF:10.1.2.3")).toBe("10.1.2.3");
  });
});
