export { IngestError, type RowLocation } from "./ingest-error.js";
export { ingestBatch, resolveTableName, type IngestOptions, type IngestResult } from "./ingest-batch.js";
export {
  detectFormat,
  fileRowSource,
  jsonTextRowSource,
  streamRowSource,
  type RowFormat,
  type RowSource,
} from "./row-sources.js";
export type { RawRow, ValueEncoding } from "./row-checker.js";
export { ingestFiles } from "./ingest-files.js";
export { parseWorkerAvailable } from "./worker-ingest.js";
export { parseIsoDateTime } from "./kusto-values.js";
export { bytesPerMegabyte } from "./usage-accounting.js";
export { defaultSourceSystem, isBillableTable, resourceIdFor, usageSolution } from "./record-defaults.js";
