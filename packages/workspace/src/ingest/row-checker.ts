import { tables, type KustoType, type StoredTableName } from "@svcmap/model";
import type { RowSink } from "../store/chunk-builder.js";
import type { StoredValue } from "../store/table-appender.js";
import type { Enrichment, RowEnrichment } from "../enrich/connection-enrichment.js";
import { emptyRecordBytes, memberOverheadBytes, unbilledColumns, valueBytes } from "./billed-size.js";
import { describeValue, IngestError, ValueMismatch, type RowLocation } from "./ingest-error.js";
import { jsonConverterFor, textConverterFor, type ValueConverter } from "./kusto-values.js";
import { defaultSourceSystem, isBillableTable, resourceIdFor } from "./record-defaults.js";
import { UsageTally } from "./usage-tally.js";

/** How a source delivers values: parsed JSON, or CSV cell text where "" means no value. */
export type ValueEncoding = "json" | "text";

/** One incoming row: its parsed value, the 1-based line it starts on, and its text when the reader has it. */
export interface RawRow {
  readonly value: unknown;
  readonly line: number;
  readonly text?: string;
}

/**
 * Checks rows against one table's schema, fills the columns the workspace owns, and writes them to an
 * appender, tallying billed bytes for Usage on the way. One checker serves one batch.
 */
export class RowChecker {
  readonly tally = new UsageTally();
  private readonly columnIndex: Map<string, number>;
  private readonly types: KustoType[];
  private readonly jsonConverters: ValueConverter[];
  private readonly textConverters: ValueConverter[];
  /** Per column, the bytes `"Name":` and a comma add to _BilledSize, or -1 for a column Azure does not bill. */
  private readonly memberBytes: number[];
  private readonly values: StoredValue[];
  private readonly present: Uint8Array;
  private readonly lastSizedValues: (StoredValue | undefined)[];
  private readonly lastSizes: number[];
  private readonly ownColumns: OwnColumns;
  private readonly isBillable: string;
  private readonly enrich: RowEnrichment | undefined;
  private currentRow: RawRow | undefined;
  private rowCount = 0;

  constructor(
    readonly table: StoredTableName,
    private readonly workspaceId: string,
    /** TimeGenerated for records without one: Log Analytics stamps them with the time they arrive. */
    private readonly arrivalTimeMs: number = Date.now(),
    enrichment?: Enrichment,
  ) {
    const columns = tables[table].columns;
    this.columnIndex = new Map(columns.map((c, i) => [c.name, i]));
    this.types = columns.map((c) => c.type);
    this.jsonConverters = columns.map((c) =>
      jsonConverterFor(c.type, (value) => exactIntegerText(this.currentRow?.text, c.name, value)),
    );
    this.textConverters = columns.map((c) => textConverterFor(c.type));
    this.memberBytes = columns.map((c) => (unbilledColumns.has(c.name) ? -1 : memberOverheadBytes(c.name)));
    this.values = columns.map(() => null);
    this.present = new Uint8Array(columns.length);
    this.lastSizedValues = columns.map(() => undefined);
    this.lastSizes = columns.map(() => 0);
    const at = (name: string): number => this.columnIndex.get(name) ?? -1;
    this.ownColumns = {
      tenantId: at("TenantId"),
      type: at("Type"),
      sourceSystem: at("SourceSystem"),
      isBillable: at("_IsBillable"),
      billedSize: at("_BilledSize"),
      resourceId: at("_ResourceId"),
      timeGenerated: at("TimeGenerated"),
      machine: at("Machine"),
      process: at("Process"),
      computer: at("Computer"),
      azureResourceName: table === "VMComputer" ? at("AzureResourceName") : -1,
    };
    this.isBillable = String(isBillableTable(table));
    this.enrich = enrichment?.forTable(table, this.columnIndex);
  }

  /** Rows written so far. */
  get rows(): number {
    return this.rowCount;
  }

  /** Throws IngestError if a column is unknown or a value does not fit its column's type. */
  checkColumnNames(names: readonly string[], location: RowLocation): void {
    for (const name of names) {
      if (!this.columnIndex.has(name)) throw this.unknownColumn(name, location);
    }
  }

  write(row: RawRow, source: string, encoding: ValueEncoding, appender: RowSink): void {
    const raw = row.value;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new IngestError({ source, line: row.line }, `expected a JSON object, got ${describeValue(raw)}`);
    }
    const record = raw as Record<string, unknown>;
    const values = this.values;
    const present = this.present;
    present.fill(0);
    const converters = encoding === "json" ? this.jsonConverters : this.textConverters;
    this.currentRow = row;
    for (const name in record) {
      const index = this.columnIndex.get(name);
      if (index === undefined) throw this.unknownColumn(name, { source, line: row.line });
      const value = record[name];
      if (value === null || value === undefined || (encoding === "text" && value === "")) continue;
      try {
        values[index] = (converters[index] as ValueConverter)(value);
      } catch (error) {
        if (error instanceof ValueMismatch) {
          throw new IngestError({ source, line: row.line, column: name }, error.message);
        }
        throw error;
      }
      present[index] = 1;
    }
    this.fillOwnColumns();
    for (let i = 0; i < present.length; i++) {
      if (present[i] === 1) appender.set(i, values[i]);
    }
    appender.endRow();
    this.rowCount++;
  }

  private fillOwnColumns(): void {
    const own = this.ownColumns;
    const values = this.values;
    const present = this.present;
    const fill = (index: number, value: StoredValue): void => {
      values[index] = value;
      present[index] = 1;
    };
    const isEmpty = (index: number): boolean => present[index] === 0 || values[index] === "";
    // Before the billed size: what the workspace adds is part of the record, as in Log Analytics.
    this.enrich?.(values, present);
    if (own.tenantId >= 0 && isEmpty(own.tenantId)) fill(own.tenantId, this.workspaceId);
    if (own.type >= 0) fill(own.type, this.table);
    if (own.sourceSystem >= 0 && isEmpty(own.sourceSystem))
      fill(own.sourceSystem, defaultSourceSystem[this.table]);
    if (own.isBillable >= 0 && isEmpty(own.isBillable)) fill(own.isBillable, this.isBillable);
    if (own.timeGenerated >= 0 && present[own.timeGenerated] === 0)
      fill(own.timeGenerated, this.arrivalTimeMs);
    if (own.resourceId >= 0 && isEmpty(own.resourceId)) {
      fill(
        own.resourceId,
        resourceIdFor(this.table, {
          machine: this.textAt(own.machine),
          process: this.textAt(own.process),
          computer: this.textAt(own.computer),
        }),
      );
    }
    // The seed queries join VMComputer.AzureResourceName to VMProcess.Machine, as Service Map named the
    // machine resource m-{GUID}.
    if (own.azureResourceName >= 0 && isEmpty(own.azureResourceName) && !isEmpty(own.machine)) {
      fill(own.azureResourceName, values[own.machine] as string);
    }
    let billedSize =
      own.billedSize >= 0 && present[own.billedSize] === 1 ? (values[own.billedSize] as number) : -1;
    if (billedSize < 0) {
      billedSize = this.billedSize();
      if (own.billedSize >= 0) fill(own.billedSize, billedSize);
    }
    const time = own.timeGenerated >= 0 ? values[own.timeGenerated] : this.arrivalTimeMs;
    this.tally.add(typeof time === "number" ? time : this.arrivalTimeMs, billedSize);
  }

  private billedSize(): number {
    let bytes = emptyRecordBytes;
    const present = this.present;
    const values = this.values;
    const lastValues = this.lastSizedValues;
    const lastSizes = this.lastSizes;
    for (let i = 0; i < present.length; i++) {
      const member = this.memberBytes[i] as number;
      if (present[i] === 0 || member < 0) continue;
      // Consecutive rows repeat most values (time, machine, process); sizing a string means scanning it.
      const value = values[i] as StoredValue;
      let size: number;
      if (value === lastValues[i]) size = lastSizes[i] as number;
      else {
        size = valueBytes(this.types[i] as KustoType, value);
        lastValues[i] = value;
        lastSizes[i] = size;
      }
      if (size > 0) bytes += member + size;
    }
    return bytes;
  }

  private textAt(index: number): string | undefined {
    if (index < 0 || this.present[index] === 0) return undefined;
    const value = this.values[index];
    return typeof value === "string" ? value : undefined;
  }

  private unknownColumn(name: string, location: RowLocation): IngestError {
    return new IngestError({ ...location, column: name }, `not a column of table ${this.table}`);
  }
}

interface OwnColumns {
  readonly tenantId: number;
  readonly type: number;
  readonly sourceSystem: number;
  readonly isBillable: number;
  readonly billedSize: number;
  readonly resourceId: number;
  readonly timeGenerated: number;
  readonly machine: number;
  readonly process: number;
  readonly computer: number;
  readonly azureResourceName: number;
}

/**
 * The digits of an integer member as written in the row's JSON text, for longs JSON.parse has rounded.
 * Only called for integers beyond 2^53, so the search costs nothing on ordinary rows.
 */
function exactIntegerText(text: string | undefined, column: string, parsed: number): string | undefined {
  if (text === undefined) return undefined;
  const member = new RegExp(`${escapeRegExp(JSON.stringify(column))}\\s*:\\s*(-?\\d+)(?![\\d.eE])`, "g");
  for (const match of text.matchAll(member)) {
    const digits = match[1] as string;
    if (Number(digits) === parsed) return digits;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
