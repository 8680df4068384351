// Usage is the workspace's bill: data volume per table and hour. The generators report every row's billed
// size here as they produce it, so the Usage rows written last agree with what was actually written.

import type { StoredRecord } from "../../store/table-appender.js";
import type { Estate, SimulationWindow } from "../estate-model.js";
import { hourMs, minuteStartMs } from "../time-profile.js";

export const meteredTables = [
  "VMComputer",
  "VMProcess",
  "VMConnection",
  "VMBoundPort",
  "InsightsMetrics",
  "Heartbeat",
] as const;
export type MeteredTable = (typeof meteredTables)[number];

const solutionOf: Readonly<Record<MeteredTable, string>> = {
  VMComputer: "VMInsights",
  VMProcess: "VMInsights",
  VMConnection: "VMInsights",
  VMBoundPort: "VMInsights",
  InsightsMetrics: "VMInsights",
  Heartbeat: "LogManagement",
};

/** The meter GUID of Log Analytics data ingestion; one per workspace in practice. */
const ingestionMeterId = "a4e29a95-5b4c-408b-80e3-113f9410566e";

export class UsageMeter {
  private readonly bytes: Float64Array;
  private readonly hourOfMinute: Uint16Array;
  private readonly firstHourMs: number;
  readonly hours: number;

  constructor(
    private readonly window: SimulationWindow,
    private readonly machineCount: number,
  ) {
    this.firstHourMs = Math.floor(window.startMs / hourMs) * hourMs;
    this.hourOfMinute = new Uint16Array(window.minutes);
    for (let m = 0; m < window.minutes; m++) {
      this.hourOfMinute[m] = Math.floor((minuteStartMs(window, m) - this.firstHourMs) / hourMs);
    }
    this.hours = (this.hourOfMinute[window.minutes - 1] ?? 0) + 1;
    this.bytes = new Float64Array(this.hours * machineCount * meteredTables.length);
  }

  /** Books `billedSize` bytes of table `table` (an index into meteredTables) for a machine and minute. */
  add(machineIndex: number, table: number, minute: number, billedSize: number): void {
    const hour = this.hourOfMinute[minute] as number;
    const slot = (hour * this.machineCount + machineIndex) * meteredTables.length + table;
    this.bytes[slot] = (this.bytes[slot] as number) + billedSize;
  }

  /** The Usage rows of hours [fromHour, toHour): one per machine, table and hour that wrote anything. */
  *records(estate: Estate, fromHour = 0, toHour = this.hours): Generator<StoredRecord> {
    const resourceUri = `/subscriptions/${estate.machines[0]?.subscriptionId ?? ""}/resourcegroups/rg-acme-monitoring/providers/microsoft.operationalinsights/workspaces/svcmap`;
    for (let hour = fromHour; hour < Math.min(toHour, this.hours); hour++) {
      const start = new Date(this.firstHourMs + hour * hourMs);
      const end = new Date(start.getTime() + hourMs);
      for (const machine of estate.machines) {
        for (let t = 0; t < meteredTables.length; t++) {
          const bytes = this.bytes[
            (hour * this.machineCount + machine.index) * meteredTables.length + t
          ] as number;
          if (bytes === 0) continue;
          const table = meteredTables[t] as MeteredTable;
          yield {
            TenantId: estate.tenantId,
            _BilledSize: 240,
            Computer: machine.computer,
            DataType: table,
            EndTime: end,
            IsBillable: true,
            _IsBillable: "false",
            MeterId: ingestionMeterId,
            Quantity: bytes / 1_000_000,
            QuantityUnit: "MBytes",
            ResourceUri: resourceUri,
            Solution: solutionOf[table],
            SourceSystem: "OMS",
            StartTime: start,
            TimeGenerated: start,
            Type: "Usage",
          };
        }
      }
    }
  }
}

/** A record's billed size: roughly its JSON length, which is what Log Analytics bills by. */
export function estimateBilledSize(staticColumns: object, variableBytes: number): number {
  return JSON.stringify(staticColumns).length + variableBytes;
}
