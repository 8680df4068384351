// Decodes captured frames (pcap's Linux "cooked" link types or Ethernet) into the few facts the agent needs:
// TCP flags and sequence numbers, UDP payload sizes (and DNS answers' bytes), and ICMP unreachable errors
// with the ports of the packet they refer to. Anything else is skipped.

import { canonicalIpv6 } from "./addresses.js";

export const linkTypes = { ethernet: 1, linuxSll: 113, linuxSll2: 276 } as const;

export const tcpFlags = { fin: 0x01, syn: 0x02, rst: 0x04, ack: 0x10 } as const;

export interface TcpSegment {
  readonly kind: "tcp";
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly flags: number;
  readonly payloadLength: number;
}

export interface UdpDatagram {
  readonly kind: "udp";
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payloadLength: number;
  /** The payload when it came from port 53 (a DNS answer), else undefined. */
  readonly dnsPayload?: Buffer;
}

export interface Unreachable {
  readonly kind: "unreachable";
  /** The packet this machine sent that could not be delivered. */
  readonly protocol: "tcp" | "udp";
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
}

export type DecodedPacket = TcpSegment | UdpDatagram | Unreachable;

/** Decodes one frame of the given link type; undefined for anything the agent does not use. */
export function decodeFrame(linkType: number, frame: Buffer): DecodedPacket | undefined {
  let etherType: number;
  let offset: number;
  if (linkType === linkTypes.linuxSll2) {
    if (frame.length < 20) return undefined;
    etherType = frame.readUInt16BE(0);
    offset = 20;
  } else if (linkType === linkTypes.linuxSll) {
    if (frame.length < 16) return undefined;
    etherType = frame.readUInt16BE(14);
    offset = 16;
  } else if (linkType === linkTypes.ethernet) {
    if (frame.length < 14) return undefined;
    etherType = frame.readUInt16BE(12);
    offset = 14;
    if (etherType === 0x8100 && frame.length >= 18) {
      etherType = frame.readUInt16BE(16);
      offset = 18;
    }
  } else {
    return undefined;
  }
  if (etherType === 0x0800) return decodeIpv4(frame, offset, false);
  if (etherType === 0x86dd) return decodeIpv6(frame, offset, false);
  return undefined;
}

function decodeIpv4(frame: Buffer, offset: number, embedded: boolean): DecodedPacket | undefined {
  if (frame.length < offset + 20 || frame[offset]! >> 4 !== 4) return undefined;
  const headerLength = (frame[offset]! & 0x0f) * 4;
  const totalLength = frame.readUInt16BE(offset + 2);
  // Only a datagram's first fragment carries the ports.
  if ((frame.readUInt16BE(offset + 6) & 0x1fff) !== 0) return undefined;
  const protocol = frame[offset + 9]!;
  const src = ipv4At(frame, offset + 12);
  const dst = ipv4At(frame, offset + 16);
  const payloadLength = totalLength - headerLength;
  return decodeTransport(frame, offset + headerLength, protocol, src, dst, payloadLength, embedded, 4);
}

function decodeIpv6(frame: Buffer, offset: number, embedded: boolean): DecodedPacket | undefined {
  if (frame.length < offset + 40 || frame[offset]! >> 4 !== 6) return undefined;
  let payloadLength = frame.readUInt16BE(offset + 4);
  let next = frame[offset + 6]!;
  const src = ipv6At(frame, offset + 8);
  const dst = ipv6At(frame, offset + 24);
  let at = offset + 40;
  // Hop-by-hop, routing and destination options headers sit between IPv6 and the transport header.
  while ((next === 0 || next === 43 || next === 60 || next === 44) && frame.length >= at + 8) {
    if (next === 44 && (frame.readUInt16BE(at + 2) & 0xfff8) !== 0) return undefined;
    const length = next === 44 ? 8 : (frame[at + 1]! + 1) * 8;
    next = frame[at]!;
    at += length;
    payloadLength -= length;
  }
  return decodeTransport(frame, at, next, src, dst, payloadLength, embedded, 6);
}

function decodeTransport(
  frame: Buffer,
  at: number,
  protocol: number,
  src: string,
  dst: string,
  length: number,
  embedded: boolean,
  family: 4 | 6,
): DecodedPacket | undefined {
  if (protocol === 6 && frame.length >= at + (embedded ? 8 : 14)) {
    const srcPort = frame.readUInt16BE(at);
    const dstPort = frame.readUInt16BE(at + 2);
    if (embedded) return { kind: "unreachable", protocol: "tcp", src, dst, srcPort, dstPort };
    const dataOffset = (frame[at + 12]! >> 4) * 4;
    return {
      kind: "tcp",
      src,
      dst,
      srcPort,
      dstPort,
      seq: frame.readUInt32BE(at + 4),
      flags: frame[at + 13]!,
      payloadLength: Math.max(0, length - dataOffset),
    };
  }
  if (protocol === 17 && frame.length >= at + 8) {
    const srcPort = frame.readUInt16BE(at);
    const dstPort = frame.readUInt16BE(at + 2);
    if (embedded) return { kind: "unreachable", protocol: "udp", src, dst, srcPort, dstPort };
    const payloadLength = Math.max(0, frame.readUInt16BE(at + 4) - 8);
    const datagram: UdpDatagram = { kind: "udp", src, dst, srcPort, dstPort, payloadLength };
    if (srcPort !== 53) return datagram;
    return { ...datagram, dnsPayload: frame.subarray(at + 8, at + 8 + payloadLength) };
  }
  if (embedded) return undefined;
  // ICMP destination unreachable (type 3) / ICMPv6 (type 1) quote the offending packet after 8 bytes.
  if (family === 4 && protocol === 1 && frame[at] === 3) return decodeIpv4(frame, at + 8, true);
  if (family === 6 && protocol === 58 && frame[at] === 1) return decodeIpv6(frame, at + 8, true);
  return undefined;
}

function ipv4At(frame: Buffer, at: number): string {
  return `${frame[at]}.${frame[at + 1]}.${frame[at + 2]}.${frame[at + 3]}`;
}

function ipv6At(frame: Buffer, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(frame.readUInt16BE(at + i).toString(16));
  const text = groups.join(":");
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(text);
  if (mapped !== null) {
    const high = parseInt(mapped[1]!, 16);
    const low = parseInt(mapped[2]!, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return canonicalIpv6(text);
}
