/** The PostgreSQL historian's public door. */

export { type PostgresHistorianOptions, postgresHistorianOptionsSchema } from './options.js';
export { createPostgresHistorian, PostgresHistorian } from './postgresHistorian.js';
