// DNS answers this machine received: which names (questions) and canonical names led to which addresses,
// so that a connection to an address can say which name its process asked for.

export interface DnsAnswer {
  readonly question: string;
  readonly canonicalNames: readonly string[];
  readonly addresses: readonly string[];
}

/** Parses a DNS response message; undefined for anything that is not a well-formed answer. */
export function parseDnsAnswer(message: Buffer): DnsAnswer | undefined {
  try {
    if (message.length < 12 || (message[2]! & 0x80) === 0) return undefined;
    const questions = message.readUInt16BE(4);
    const answers = message.readUInt16BE(6);
    if (questions !== 1) return undefined;
    let at = 12;
    const question = readName(message, at);
    at = question.end + 4;
    const canonicalNames: string[] = [];
    const addresses: string[] = [];
    for (let i = 0; i < answers; i++) {
      const name = readName(message, at);
      at = name.end;
      const type = message.readUInt16BE(at);
      const length = message.readUInt16BE(at + 8);
      const data = at + 10;
      if (data + length > message.length) return undefined;
      if (type === 1 && length === 4) {
        addresses.push(`${message[data]}.${message[data + 1]}.${message[data + 2]}.${message[data + 3]}`);
      } else if (type === 28 && length === 16) {
        const groups: string[] = [];
        for (let g = 0; g < 16; g += 2) groups.push(message.readUInt16BE(data + g).toString(16));
        addresses.push(new URL(`http://[${groups.join(":")}]/`).hostname.slice(1, -1));
      } else if (type === 5) {
        canonicalNames.push(readName(message, data).name);
      }
      at = data + length;
    }
    return { question: question.name, canonicalNames, addresses };
  } catch {
    return undefined;
  }
}

function readName(message: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = start;
  let end = -1;
  for (let jumps = 0; jumps < 64; jumps++) {
    const length = message[at];
    if (length === undefined) throw new RangeError("name runs past the message");
    if (length === 0) {
      if (end < 0) end = at + 1;
      return { name: labels.join(".").toLowerCase(), end };
    }
    if ((length & 0xc0) === 0xc0) {
      if (end < 0) end = at + 2;
      at = message.readUInt16BE(at) & 0x3fff;
      continue;
    }
    labels.push(message.toString("latin1", at + 1, at + 1 + length));
    at += 1 + length;
  }
  throw new RangeError("too many compression pointers");
}

/** Remembers, per address, the questions and canonical names that resolved to it. */
export class DnsCache {
  private readonly byAddress = new Map<
    string,
    { questions: Set<string>; names: Set<string>; seenMs: number }
  >();

  constructor(private readonly keepMs = 3_600_000) {}

  add(answer: DnsAnswer, nowMs: number): void {
    for (const address of answer.addresses) {
      let entry = this.byAddress.get(address);
      if (entry === undefined) {
        entry = { questions: new Set(), names: new Set(), seenMs: nowMs };
        this.byAddress.set(address, entry);
      }
      entry.questions.add(answer.question);
      for (const name of answer.canonicalNames) entry.names.add(name);
      entry.seenMs = nowMs;
    }
  }

  lookup(address: string): { questions: string[]; canonicalNames: string[] } | undefined {
    const entry = this.byAddress.get(address);
    if (entry === undefined) return undefined;
    return { questions: [...entry.questions].sort(), canonicalNames: [...entry.names].sort() };
  }

  prune(nowMs: number): void {
    for (const [address, entry] of this.byAddress) {
      if (nowMs - entry.seenMs > this.keepMs) this.byAddress.delete(address);
    }
  }
}
