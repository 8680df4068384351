// Creates the logical connections. A flow between two monitored processes is reported twice (outbound by
// the client, inbound by the server); with only one end monitored it is reported once. Two flows that would
// produce the same logical connection key on either end are merged by the agent, so the second is dropped.

import type { InternetService } from "./catalogue/internet.js";
import type { Flow, RemoteFacts, SimBoundPort, SimProcess, TrafficShape } from "./estate-model.js";
import { hash2 } from "./random.js";

export const noFacts: RemoteFacts = {
  geo: undefined,
  dnsQuestions: [],
  dnsCanonicalNames: [],
  threat: undefined,
};

export interface FlowOptions {
  /** From this minute on every attempt fails; omitted when the flow keeps working. */
  readonly failingFrom?: number;
  readonly flakiness?: number;
}

export class FlowWiring {
  readonly flows: Flow[] = [];
  private readonly outboundKeys = new Set<string>();
  private readonly inboundKeys = new Set<string>();

  constructor(
    private readonly estateSeed: number,
    private readonly officeHoursOf: (site: string) => Float32Array,
  ) {}

  /** A monitored process connecting to a monitored port, on another machine or on its own. */
  betweenMachines(
    client: SimProcess,
    server: SimBoundPort,
    shape: TrafficShape,
    options: FlowOptions & { resolvedByName?: boolean } = {},
  ): Flow | undefined {
    const local = client.machine === server.process.machine;
    const specific = server.wildcard ? undefined : server.bindIps.find((ip) => ip !== "127.0.0.1" || local);
    const destinationIp = local
      ? server.bindIps[0] === "0.0.0.0"
        ? "127.0.0.1"
        : (server.bindIps[0] as string)
      : (specific ?? server.process.machine.ipv4);
    const sourceIp = local ? "127.0.0.1" : client.machine.ipv4;
    const serverFacts: RemoteFacts =
      !local && options.resolvedByName !== false
        ? {
            geo: undefined,
            dnsQuestions: [server.process.machine.computer],
            dnsCanonicalNames: [],
            threat: undefined,
          }
        : noFacts;
    return this.add({
      client,
      server,
      sourceIp,
      destinationIp,
      port: server.port,
      protocol: server.protocol,
      clientFacts: noFacts,
      serverFacts,
      shape,
      options,
    });
  }

  /** A monitored process calling a service on the internet. */
  toInternet(
    client: SimProcess,
    service: InternetService,
    ipIndex: number,
    shape: TrafficShape,
    options: FlowOptions = {},
  ): Flow | undefined {
    const destinationIp = service.ips[ipIndex % service.ips.length] as string;
    const v6 = destinationIp.includes(":");
    const sourceIp = v6 ? client.machine.ipv6 : client.machine.ipv4;
    if (sourceIp === undefined) return undefined;
    const serverFacts: RemoteFacts = {
      geo: service.geo,
      dnsQuestions: service.dnsQuestions,
      dnsCanonicalNames: service.dnsCanonicalNames,
      threat: service.threat,
    };
    return this.add({
      client,
      server: undefined,
      sourceIp,
      destinationIp,
      port: service.port,
      protocol: service.protocol,
      clientFacts: noFacts,
      serverFacts,
      shape,
      options,
    });
  }

  /** A monitored process connecting to an internal address with no agent (a resolver, a retired host). */
  toUnmonitored(
    client: SimProcess,
    destinationIp: string,
    port: number,
    protocol: "tcp" | "udp",
    shape: TrafficShape,
    options: FlowOptions = {},
  ): Flow | undefined {
    return this.add({
      client,
      server: undefined,
      sourceIp: client.machine.ipv4,
      destinationIp,
      port,
      protocol,
      clientFacts: noFacts,
      serverFacts: noFacts,
      shape,
      options,
    });
  }

  /** Something without an agent (a workstation, a visitor, a scanner) connecting to a monitored port. */
  fromOutside(
    sourceIp: string,
    clientFacts: RemoteFacts,
    server: SimBoundPort,
    shape: TrafficShape,
  ): Flow | undefined {
    const machine = server.process.machine;
    const destinationIp = sourceIp.includes(":")
      ? machine.ipv6
      : server.wildcard
        ? machine.ipv4
        : server.bindIps.find((ip) => ip !== "127.0.0.1");
    if (destinationIp === undefined) return undefined;
    return this.add({
      client: undefined,
      server,
      sourceIp,
      destinationIp,
      port: server.port,
      protocol: server.protocol,
      clientFacts,
      serverFacts: noFacts,
      shape,
      options: {},
    });
  }

  private add(spec: {
    client: SimProcess | undefined;
    server: SimBoundPort | undefined;
    sourceIp: string;
    destinationIp: string;
    port: number;
    protocol: "tcp" | "udp";
    clientFacts: RemoteFacts;
    serverFacts: RemoteFacts;
    shape: TrafficShape;
    options: FlowOptions;
  }): Flow | undefined {
    const tail = `${spec.sourceIp}|${spec.destinationIp}|${spec.port}|${spec.protocol}`;
    const outboundKey = spec.client === undefined ? undefined : `${spec.client.process}|${tail}`;
    const inboundKey = spec.server === undefined ? undefined : `${spec.server.process.process}|${tail}`;
    if (outboundKey !== undefined && this.outboundKeys.has(outboundKey)) return undefined;
    if (inboundKey !== undefined && this.inboundKeys.has(inboundKey)) return undefined;
    if (outboundKey !== undefined) this.outboundKeys.add(outboundKey);
    if (inboundKey !== undefined) this.inboundKeys.add(inboundKey);
    const site = (spec.server?.process.machine ?? spec.client?.machine)?.site.code;
    if (site === undefined) throw new Error("a flow needs at least one monitored end");
    const flow: Flow = {
      seed: hash2(this.estateSeed, 0x1000 + this.flows.length),
      protocol: spec.protocol,
      sourceIp: spec.sourceIp,
      destinationIp: spec.destinationIp,
      destinationPort: spec.port,
      client: spec.client,
      server: spec.server?.process,
      clientFacts: spec.clientFacts,
      serverFacts: spec.serverFacts,
      shape: spec.shape,
      officeHours: this.officeHoursOf(site),
      failingFrom: spec.options.failingFrom ?? Number.POSITIVE_INFINITY,
      flakiness: spec.options.flakiness ?? 0,
    };
    this.flows.push(flow);
    spec.server?.inbound.push(flow);
    return flow;
  }
}
