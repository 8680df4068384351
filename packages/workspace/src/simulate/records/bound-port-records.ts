// VMBoundPort: one record per open port per minute. A port bound to specific addresses reports each of
// them every minute. A wildcard bind (0.0.0.0) reports one record per local address that carried traffic,
// marked IsWildcardBind; only when no address carried any does it report the bare 0.0.0.0 record, which
// holds no activity and just says the port is open.

import { portId } from "@svcmap/model";
import type { StoredRecord } from "../../store/table-appender.js";
import type { Estate, Flow, SimBoundPort } from "../estate-model.js";
import { FlowOutcome, FlowTraffic } from "../flow-traffic.js";
import { isUp } from "../machine-factory.js";
import { isRunning } from "../process-factory.js";
import { minuteStartMs } from "../time-profile.js";
import type { MinuteRows } from "./minute-rows.js";
import { estimateBilledSize, meteredTables, type UsageMeter } from "./usage-meter.js";

const meterSlot = meteredTables.indexOf("VMBoundPort");

/** One address of a bound port, as reported; a class so that all of them share one hidden class. */
class PortAddress {
  readonly machineIndex: number;
  readonly billedSize: number;
  readonly flows: readonly Flow[];
  readonly TenantId: string;
  readonly AgentId: string;
  readonly Computer: string;
  readonly Ip: string;
  readonly IsWildcardBind: boolean;
  readonly Machine: string;
  readonly Port: number;
  readonly PortId: string;
  readonly Process: string;
  readonly ProcessName: string;
  readonly Protocol: string;
  readonly _ResourceId: string;
  readonly _SubscriptionId: string;

  constructor(port: SimBoundPort, ip: string, flows: readonly Flow[], tenantId: string) {
    const process = port.process;
    const machine = process.machine;
    this.machineIndex = machine.index;
    this.billedSize = 0;
    this.flows = flows;
    this.TenantId = tenantId;
    this.AgentId = machine.agentId;
    this.Computer = machine.computer;
    this.Ip = ip;
    this.IsWildcardBind = port.wildcard;
    this.Machine = machine.machine;
    this.Port = port.port;
    this.PortId = portId(process.process, ip, port.port, port.protocol);
    this.Process = process.process;
    this.ProcessName = process.executableName;
    this.Protocol = port.protocol;
    this._ResourceId = machine.resourceId;
    this._SubscriptionId = machine.subscriptionId;
    this.billedSize = estimateBilledSize({ ...this, flows: undefined }, 260);
  }
}

interface PortPlan {
  readonly port: SimBoundPort;
  /** The addresses to report: for a wildcard bind, those that receive traffic; otherwise the bound ones. */
  readonly addresses: readonly PortAddress[];
  /** The bare 0.0.0.0 record of a wildcard bind, for minutes without traffic. */
  readonly idle: PortAddress | undefined;
}

function planPort(port: SimBoundPort, tenantId: string): PortPlan {
  const byIp = new Map<string, Flow[]>();
  for (const ip of port.wildcard ? [] : port.bindIps) byIp.set(ip, []);
  for (const flow of port.inbound) {
    const list = byIp.get(flow.destinationIp) ?? [];
    list.push(flow);
    byIp.set(flow.destinationIp, list);
  }
  const addresses = [...byIp].map(([ip, flows]) => new PortAddress(port, ip, flows, tenantId));
  const idle = port.wildcard ? new PortAddress(port, port.bindIps[0] ?? "0.0.0.0", [], tenantId) : undefined;
  return { port, addresses, idle };
}

interface PortTotals {
  bytesSent: number;
  bytesReceived: number;
  linksEstablished: number;
  linksTerminated: number;
  linksLive: number;
  responses: number;
  responseTimeMin: number | null;
  responseTimeMax: number | null;
  responseTimeSum: number | null;
  active: boolean;
}

/** Adds up what the port's flows did in the minute, from the server's side. */
function totalsOf(
  flows: readonly Flow[],
  minute: number,
  traffic: FlowTraffic,
  totals: PortTotals,
): PortTotals {
  totals.bytesSent = 0;
  totals.bytesReceived = 0;
  totals.linksEstablished = 0;
  totals.linksTerminated = 0;
  totals.linksLive = 0;
  totals.responses = 0;
  totals.responseTimeMin = null;
  totals.responseTimeMax = null;
  totals.responseTimeSum = null;
  totals.active = false;
  for (const flow of flows) {
    if (traffic.evaluate(flow, minute) !== FlowOutcome.Established) continue;
    const t = traffic.current;
    totals.active = true;
    totals.bytesSent += t.bytesReceived;
    totals.bytesReceived += t.bytesSent;
    totals.linksEstablished += t.linksEstablished;
    totals.linksTerminated += t.linksTerminated;
    totals.linksLive += t.linksLive;
    totals.responses += t.responses;
    if (t.responseTimeMin !== null)
      totals.responseTimeMin = Math.min(totals.responseTimeMin ?? t.responseTimeMin, t.responseTimeMin);
    if (t.responseTimeMax !== null)
      totals.responseTimeMax = Math.max(totals.responseTimeMax ?? t.responseTimeMax, t.responseTimeMax);
    if (t.responseTimeSum !== null)
      totals.responseTimeSum = (totals.responseTimeSum ?? 0) + t.responseTimeSum;
  }
  return totals;
}

function portRecord(a: PortAddress, time: Date, t: PortTotals): StoredRecord {
  return {
    TenantId: a.TenantId,
    AgentId: a.AgentId,
    _BilledSize: a.billedSize,
    BytesReceived: t.bytesReceived,
    BytesSent: t.bytesSent,
    Computer: a.Computer,
    Ip: a.Ip,
    _IsBillable: "true",
    IsWildcardBind: a.IsWildcardBind,
    LinksEstablished: t.linksEstablished,
    LinksLive: t.linksLive,
    LinksTerminated: t.linksTerminated,
    Machine: a.Machine,
    Port: a.Port,
    PortId: a.PortId,
    Process: a.Process,
    ProcessName: a.ProcessName,
    Protocol: a.Protocol,
    _ResourceId: a._ResourceId,
    Responses: t.responses,
    ResponseTimeMax: t.responseTimeMax,
    ResponseTimeMin: t.responseTimeMin,
    ResponseTimeSum: t.responseTimeSum,
    SourceSystem: "Insights",
    _SubscriptionId: a._SubscriptionId,
    TimeGenerated: time,
    Type: "VMBoundPort",
  };
}

export function boundPortRows(estate: Estate, usage: UsageMeter): MinuteRows {
  const { window } = estate;
  const plans = estate.machines.map((machine) =>
    machine.processes.flatMap((process) => process.boundPorts.map((port) => planPort(port, estate.tenantId))),
  );
  const traffic = new FlowTraffic();
  const totals: PortTotals = {
    bytesSent: 0,
    bytesReceived: 0,
    linksEstablished: 0,
    linksTerminated: 0,
    linksLive: 0,
    responses: 0,
    responseTimeMin: null,
    responseTimeMax: null,
    responseTimeSum: null,
    active: false,
  };
  return function* (fromMinute, toMinute) {
    for (let minute = fromMinute; minute < toMinute; minute++) {
      const time = new Date(minuteStartMs(window, minute));
      for (const machine of estate.machines) {
        if (!isUp(machine, minute)) continue;
        for (const plan of plans[machine.index] ?? []) {
          if (!isRunning(plan.port.process, minute)) continue;
          let reported = false;
          for (const a of plan.addresses) {
            totalsOf(a.flows, minute, traffic, totals);
            if (plan.port.wildcard && !totals.active) continue;
            reported = true;
            usage.add(a.machineIndex, meterSlot, minute, a.billedSize);
            yield portRecord(a, time, totals);
          }
          if (!reported && plan.idle !== undefined) {
            totalsOf([], minute, traffic, totals);
            usage.add(plan.idle.machineIndex, meterSlot, minute, plan.idle.billedSize);
            yield portRecord(plan.idle, time, totals);
          }
        }
      }
    }
  };
}
