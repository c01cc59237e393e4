/** The historian's public door: the interface, the embedded SQLite and the PostgreSQL engines, the registry. */

export { type SqliteHistorianOptions, sqliteHistorianOptionsSchema } from './options.js';
export {
  createPostgresHistorian,
  PostgresHistorian,
  type PostgresHistorianOptions,
  postgresHistorianOptionsSchema,
} from './postgres/index.js';
export { createHistorian, type HistorianConfig, type HistorianEngine, historianEngines } from './registry.js';
export { createSqliteHistorian, SqliteHistorian } from './sqliteHistorian.js';
export type * from './types.js';
