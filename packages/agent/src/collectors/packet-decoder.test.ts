import { describe, expect, it } from "vitest";
import { DnsCache, parseDnsAnswer } from "./dns-answers.js";
import { PcapStreamParser } from "./packet-capture.js";
import { linkTypes, tcpFlags, type DecodedPacket } from "./packet-decoder.js";

function ipv4(protocol: number, src: number[], dst: number[], payload: Buffer): Buffer {
  const header = Buffer.alloc(20);
  header[0] = 0x45;
  header.writeUInt16BE(20 + payload.length, 2);
  header[8] = 64;
  header[9] = protocol;
  Buffer.from(src).copy(header, 12);
  Buffer.from(dst).copy(header, 16);
  return Buffer.concat([header, payload]);
}

function tcp(srcPort: number, dstPort: number, seq: number, flags: number, data = 0): Buffer {
  const header = Buffer.alloc(20 + data);
  header.writeUInt16BE(srcPort, 0);
  header.writeUInt16BE(dstPort, 2);
  header.writeUInt32BE(seq, 4);
  header[12] = 5 << 4;
  header[13] = flags;
  return header;
}

function udp(srcPort: number, dstPort: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(srcPort, 0);
  header.writeUInt16BE(dstPort, 2);
  header.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** A Linux cooked v2 header (what tcpdump -i any writes) around an IPv4 packet. */
function sll2(packet: Buffer): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0800, 0);
  return Buffer.concat([header, packet]);
}

function pcap(frames: Buffer[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(linkTypes.linuxSll2, 20);
  const records = frames.map((frame, i) => {
    const record = Buffer.alloc(16);
    record.writeUInt32LE(1_700_000_000 + i, 0);
    record.writeUInt32LE(500_000, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    return Buffer.concat([record, frame]);
  });
  return Buffer.concat([header, ...records]);
}

/** A DNS answer: web.example → CNAME edge.example → 192.0.2.10. */
function dnsAnswer(): Buffer {
  const name = (labels: string[]): Buffer =>
    Buffer.concat([
      ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
      Buffer.from([0]),
    ]);
  const header = Buffer.from([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0]);
  const question = Buffer.concat([name(["web", "example"]), Buffer.from([0, 1, 0, 1])]);
  const target = name(["edge", "example"]);
  const cname = Buffer.concat([Buffer.from([0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, target.length]), target]);
  const cnameTargetOffset = 12 + question.length + 12;
  const a = Buffer.from([0xc0, cnameTargetOffset, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 10]);
  return Buffer.concat([header, question, cname, a]);
}

describe("decoding captured packets", () => {
  it("reads TCP flags and sequence numbers, UDP sizes and DNS answers from a pcap stream, in any chunking", () => {
    const local = [10, 0, 0, 2];
    const remote = [10, 0, 0, 1];
    const stream = pcap([
      sll2(ipv4(6, local, remote, tcp(40000, 80, 1000, tcpFlags.syn))),
      sll2(ipv4(6, remote, local, tcp(80, 40000, 5000, tcpFlags.syn | tcpFlags.ack))),
      sll2(ipv4(6, local, remote, tcp(40000, 80, 1001, tcpFlags.ack | tcpFlags.fin, 10))),
      sll2(ipv4(17, remote, local, udp(53, 5353, dnsAnswer()))),
    ]);
    const packets: DecodedPacket[] = [];
    const parser = new PcapStreamParser((packet) => packets.push(packet));
    for (let at = 0; at < stream.length; at += 7) parser.push(stream.subarray(at, at + 7));
    expect(packets.slice(0, 3)).toEqual([
      {
        kind: "tcp",
        src: "10.0.0.2",
        dst: "10.0.0.1",
        srcPort: 40000,
        dstPort: 80,
        seq: 1000,
        flags: 2,
        payloadLength: 0,
      },
      {
        kind: "tcp",
        src: "10.0.0.1",
        dst: "10.0.0.2",
        srcPort: 80,
        dstPort: 40000,
        seq: 5000,
        flags: 18,
        payloadLength: 0,
      },
      {
        kind: "tcp",
        src: "10.0.0.2",
        dst: "10.0.0.1",
        srcPort: 40000,
        dstPort: 80,
        seq: 1001,
        flags: 17,
        payloadLength: 10,
      },
    ]);
    const dns = packets[3];
    expect(dns).toMatchObject({ kind: "udp", srcPort: 53, dstPort: 5353 });
    const answer =
      dns?.kind === "udp" && dns.dnsPayload !== undefined ? parseDnsAnswer(dns.dnsPayload) : undefined;
    expect(answer).toEqual({
      question: "web.example",
      canonicalNames: ["edge.example"],
      addresses: ["192.0.2.10"],
    });
    const cache = new DnsCache();
    cache.add(answer!, 0);
    expect(cache.lookup("192.0.2.10")).toEqual({
      questions: ["web.example"],
      canonicalNames: ["edge.example"],
    });
  });

  it("reads the ports of the packet an ICMP unreachable error quotes", () => {
    const quoted = ipv4(6, [10, 0, 0, 2], [10, 9, 9, 9], tcp(40001, 443, 7, tcpFlags.syn)).subarray(0, 28);
    const icmp = Buffer.concat([Buffer.from([3, 1, 0, 0, 0, 0, 0, 0]), quoted]);
    const packets: DecodedPacket[] = [];
    new PcapStreamParser((p) => packets.push(p)).push(
      pcap([sll2(ipv4(1, [10, 0, 0, 1], [10, 0, 0, 2], icmp))]),
    );
    expect(packets).toEqual([
      {
        kind: "unreachable",
        protocol: "tcp",
        src: "10.0.0.2",
        dst: "10.9.9.9",
        srcPort: 40001,
        dstPort: 443,
      },
    ]);
  });
});
