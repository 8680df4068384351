// Passive packet capture with Debian's tcpdump writing pcap to a pipe, so the agent needs neither a kernel
// module nor eBPF, only CAP_NET_RAW. The filter keeps what polling cannot see and little else: TCP
// handshakes and closes (SYN, FIN, RST, which carry the sequence numbers that give a closed connection's
// byte counts), segments with PSH set (a sender's last segment of each write: enough to time requests and
// responses without every data segment), UDP, and ICMP errors. IPv6 TCP is taken whole because classic BPF
// cannot index its header.

import { spawn, type ChildProcess } from "node:child_process";
import { decodeFrame, type DecodedPacket } from "./packet-decoder.js";

export const captureFilter =
  "(ip and tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst|tcp-push) != 0) or (ip6 and tcp) or udp or icmp or icmp6";

export interface CaptureOptions {
  /** The tcpdump executable (default "tcpdump" on the PATH). */
  readonly command?: string;
  /** Interface to capture on (default "any": every interface of the namespace). */
  readonly interface?: string;
  readonly onPacket: (packet: DecodedPacket, timeMs: number) => void;
  /** The capture stopped on its own (tcpdump missing, no permission, killed); the reason for logs. */
  readonly onStop: (reason: string) => void;
}

export class PacketCapture {
  private child: ChildProcess | undefined;
  private stopping = false;

  static start(options: CaptureOptions): PacketCapture {
    const capture = new PacketCapture();
    capture.run(options);
    return capture;
  }

  private run(options: CaptureOptions): void {
    const args = [
      "-i",
      options.interface ?? "any",
      "--immediate-mode",
      "-U",
      "-n",
      "-s",
      "1024",
      "-w",
      "-",
      captureFilter,
    ];
    const child = spawn(options.command ?? "tcpdump", args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    const parser = new PcapStreamParser(options.onPacket);
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => parser.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on("error", (error) => {
      if (!this.stopping) options.onStop(`cannot run ${options.command ?? "tcpdump"}: ${error.message}`);
    });
    child.on("exit", (code, signal) => {
      if (this.stopping) return;
      const last = stderr.trim().split("\n").at(-1) ?? "";
      options.onStop(`tcpdump ended (${signal ?? `exit ${code}`})${last === "" ? "" : `: ${last}`}`);
    });
  }

  stop(): void {
    this.stopping = true;
    this.child?.kill("SIGTERM");
  }
}

/** Reads a pcap stream (either byte order, micro- or nanosecond timestamps) frame by frame. */
export class PcapStreamParser {
  private buffer: Buffer = Buffer.alloc(0);
  private littleEndian: boolean | undefined;
  private nanoseconds = false;
  private linkType = 0;

  constructor(private readonly onPacket: (packet: DecodedPacket, timeMs: number) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let at = 0;
    if (this.littleEndian === undefined) {
      if (this.buffer.length < 24) return;
      const magic = this.buffer.readUInt32LE(0);
      if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) this.littleEndian = true;
      else if (this.buffer.readUInt32BE(0) === 0xa1b2c3d4 || this.buffer.readUInt32BE(0) === 0xa1b23c4d)
        this.littleEndian = false;
      else throw new Error("the capture stream is not in pcap format");
      const read = (offset: number): number =>
        this.littleEndian ? this.buffer.readUInt32LE(offset) : this.buffer.readUInt32BE(offset);
      this.nanoseconds = read(0) === 0xa1b23c4d;
      this.linkType = read(20) & 0x0fffffff;
      at = 24;
    }
    while (this.buffer.length - at >= 16) {
      const read = (offset: number): number =>
        this.littleEndian ? this.buffer.readUInt32LE(at + offset) : this.buffer.readUInt32BE(at + offset);
      const captured = read(8);
      if (this.buffer.length - at - 16 < captured) break;
      const timeMs = read(0) * 1000 + read(4) / (this.nanoseconds ? 1e6 : 1e3);
      const frame = this.buffer.subarray(at + 16, at + 16 + captured);
      const packet = decodeFrame(this.linkType, frame);
      if (packet !== undefined) this.onPacket(packet, timeMs);
      at += 16 + captured;
    }
    this.buffer = at === this.buffer.length ? Buffer.alloc(0) : Buffer.from(this.buffer.subarray(at));
  }
}
