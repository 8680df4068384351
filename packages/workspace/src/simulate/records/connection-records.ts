// VMConnection: one record per logical connection per minute in which it did something, from each
// monitored end. Everything that identifies the connection is built once per end; the loop only adds the
// minute's numbers.

import { connectionId } from "@svcmap/model";
import type { StoredRecord } from "../../store/table-appender.js";
import type { Estate, Flow, RemoteFacts, SimProcess } from "../estate-model.js";
import { FlowOutcome, FlowTraffic, type MinuteTraffic } from "../flow-traffic.js";
import { minuteStartMs } from "../time-profile.js";
import type { MinuteRows } from "./minute-rows.js";
import { estimateBilledSize, meteredTables, type UsageMeter } from "./usage-meter.js";

const meterSlot = meteredTables.indexOf("VMConnection");

/**
 * Everything about one end of a flow that stays the same from minute to minute. Built field by field in a
 * constructor, not by spreading: spread copies of large objects each get a hidden class of their own, which
 * makes every property read in the hot loop megamorphic and slow.
 */
class ConnectionEnd {
  readonly machineIndex: number;
  readonly billedSize: number;
  readonly inbound: boolean;
  readonly TenantId: string;
  readonly AgentId: string;
  readonly Computer: string;
  readonly Machine: string;
  readonly Process: string;
  readonly ProcessName: string;
  readonly ConnectionId: string;
  readonly Direction: string;
  readonly SourceIp: string;
  readonly DestinationIp: string;
  readonly DestinationPort: number;
  readonly Protocol: string;
  readonly RemoteIp: string;
  readonly RemoteCountry: string;
  readonly RemoteLatitude: number | null;
  readonly RemoteLongitude: number | null;
  readonly RemoteDnsQuestions: string;
  readonly RemoteDnsCanonicalNames: string;
  readonly MaliciousIp: string;
  readonly IndicatorThreatType: string;
  readonly Description: string;
  readonly TLPLevel: string;
  readonly Confidence: string;
  readonly Severity: number | null;
  readonly IsActive: string;
  readonly FirstReportedDateTime: string;
  readonly LastReportedDateTime: string;
  readonly _ResourceId: string;
  readonly _SubscriptionId: string;

  constructor(flow: Flow, process: SimProcess, inbound: boolean, tenantId: string) {
    const machine = process.machine;
    const direction = inbound ? "inbound" : "outbound";
    // RemoteIp is the far end: the source of an inbound connection, the destination of an outbound one.
    const remoteIp = inbound ? flow.sourceIp : flow.destinationIp;
    const facts: RemoteFacts = inbound ? flow.clientFacts : flow.serverFacts;
    const threat = facts.threat;
    this.machineIndex = machine.index;
    this.billedSize = 0;
    this.inbound = inbound;
    this.TenantId = tenantId;
    this.AgentId = machine.agentId;
    this.Computer = machine.computer;
    this.Machine = machine.machine;
    this.Process = process.process;
    this.ProcessName = process.executableName;
    this.ConnectionId = connectionId({
      direction,
      machine: machine.machine,
      process: process.process,
      sourceIp: flow.sourceIp,
      destinationIp: flow.destinationIp,
      destinationPort: flow.destinationPort,
      protocol: flow.protocol,
    });
    this.Direction = direction;
    this.SourceIp = flow.sourceIp;
    this.DestinationIp = flow.destinationIp;
    this.DestinationPort = flow.destinationPort;
    this.Protocol = flow.protocol;
    this.RemoteIp = remoteIp;
    this.RemoteCountry = facts.geo?.country ?? "";
    this.RemoteLatitude = facts.geo?.latitude ?? null;
    this.RemoteLongitude = facts.geo?.longitude ?? null;
    this.RemoteDnsQuestions = jsonList(facts.dnsQuestions);
    this.RemoteDnsCanonicalNames = jsonList(facts.dnsCanonicalNames);
    this.MaliciousIp = threat === undefined ? "" : remoteIp;
    this.IndicatorThreatType = threat?.threatType ?? "";
    this.Description = threat?.description ?? "";
    this.TLPLevel = threat?.tlpLevel ?? "";
    this.Confidence = threat?.confidence ?? "";
    this.Severity = threat?.severity ?? null;
    this.IsActive = threat?.isActive ?? "";
    this.FirstReportedDateTime = threat?.firstReported ?? "";
    this.LastReportedDateTime = threat?.lastReported ?? "";
    this._ResourceId = machine.resourceId;
    this._SubscriptionId = machine.subscriptionId;
    this.billedSize = estimateBilledSize(this, 420);
  }
}

function jsonList(items: readonly string[]): string {
  return items.length === 0 ? "" : JSON.stringify(items);
}

function connectionRecord(end: ConnectionEnd, time: Date, t: MinuteTraffic): StoredRecord {
  const inbound = end.inbound;
  return {
    TenantId: end.TenantId,
    AgentId: end.AgentId,
    _BilledSize: end.billedSize,
    BytesReceived: inbound ? t.bytesSent : t.bytesReceived,
    BytesSent: inbound ? t.bytesReceived : t.bytesSent,
    Computer: end.Computer,
    Confidence: end.Confidence,
    ConnectionId: end.ConnectionId,
    Description: end.Description,
    DestinationIp: end.DestinationIp,
    DestinationPort: end.DestinationPort,
    Direction: end.Direction,
    FirstReportedDateTime: end.FirstReportedDateTime,
    IndicatorThreatType: end.IndicatorThreatType,
    IsActive: end.IsActive,
    _IsBillable: "true",
    LastReportedDateTime: end.LastReportedDateTime,
    LinksEstablished: t.linksEstablished,
    LinksFailed: inbound ? 0 : t.linksFailed,
    LinksLive: t.linksLive,
    LinksTerminated: t.linksTerminated,
    Machine: end.Machine,
    MaliciousIp: end.MaliciousIp,
    Process: end.Process,
    ProcessName: end.ProcessName,
    Protocol: end.Protocol,
    RemoteClassification: "",
    RemoteCountry: end.RemoteCountry,
    RemoteDnsCanonicalNames: end.RemoteDnsCanonicalNames,
    RemoteDnsQuestions: end.RemoteDnsQuestions,
    RemoteIp: end.RemoteIp,
    RemoteLatitude: end.RemoteLatitude,
    RemoteLongitude: end.RemoteLongitude,
    _ResourceId: end._ResourceId,
    Responses: t.responses,
    ResponseTimeMax: t.responseTimeMax,
    ResponseTimeMin: t.responseTimeMin,
    ResponseTimeSum: t.responseTimeSum,
    Severity: end.Severity,
    SourceIp: end.SourceIp,
    SourceSystem: "Insights",
    _SubscriptionId: end._SubscriptionId,
    TimeGenerated: time,
    TLPLevel: end.TLPLevel,
    Type: "VMConnection",
  };
}

export function connectionRows(estate: Estate, usage: UsageMeter): MinuteRows {
  const { flows, window } = estate;
  const outbound = flows.map((f) =>
    f.client === undefined ? undefined : new ConnectionEnd(f, f.client, false, estate.tenantId),
  );
  const inbound = flows.map((f) =>
    f.server === undefined ? undefined : new ConnectionEnd(f, f.server, true, estate.tenantId),
  );
  const traffic = new FlowTraffic();
  return function* (fromMinute, toMinute) {
    for (let minute = fromMinute; minute < toMinute; minute++) {
      const time = new Date(minuteStartMs(window, minute));
      for (let i = 0; i < flows.length; i++) {
        const outcome = traffic.evaluate(flows[i] as Flow, minute);
        if (outcome === FlowOutcome.Silent) continue;
        const out = outbound[i];
        if (out !== undefined) {
          usage.add(out.machineIndex, meterSlot, minute, out.billedSize);
          yield connectionRecord(out, time, traffic.current);
        }
        const into = inbound[i];
        if (into !== undefined && outcome === FlowOutcome.Established) {
          usage.add(into.machineIndex, meterSlot, minute, into.billedSize);
          yield connectionRecord(into, time, traffic.current);
        }
      }
    }
  };
}
