/** History in and out: CSV import for existing tags, CSV and Parquet export, KPI tables as CSV. */

export { IMPORT_SOURCE, type ImportsConfig, importsSchema } from './config.js';
export { csvField, kpiTableCsv, splitCsvLine } from './csv.js';
export { exportHistoryCsv, exportHistoryParquet } from './export.js';
export {
  CORRECTIONS_PER_AUDIT_ENTRY,
  correctionAuditRecords,
  type ImportConflict,
  type ImportMode,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
  type ImportRowError,
  type ImportValue,
  importCsv,
} from './import.js';
export { importTagDefinitions } from './importTags.js';
