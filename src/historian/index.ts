/** The historian's public door: the interface, and the embedded SQLite implementation. */

export { type SqliteHistorianOptions, sqliteHistorianOptionsSchema } from './options.js';
export { createSqliteHistorian, SqliteHistorian } from './sqliteHistorian.js';
export type * from './types.js';
