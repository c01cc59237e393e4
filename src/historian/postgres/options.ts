import type { PoolConfig } from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';

/** The PostgreSQL historian's knobs, declared once with their defaults. */
export const postgresHistorianOptionsSchema = z.object({
  connectionString: z
    .string()
    .min(1)
    .optional()
    .describe('libpq connection URI, e.g. `postgresql://gotthard@db:5432/plant`. Secret: it may hold a password.'),
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _, starting with a letter or _')
    .default('gotthard')
    .describe('Schema holding the historian tables; created if missing. Hubs sharing one store use the same schema.'),
  poolSize: z.number().int().min(1).max(100).default(4).describe('Connections in the pool.'),
  flushIntervalMs: z
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(1000)
    .describe('How often accepted values are written, in one transaction per `flushMaxValues`.'),
  flushMaxValues: z
    .number()
    .int()
    .min(100)
    .default(50_000)
    .describe('Values per write transaction; a long backlog (after an outage) is written in such steps.'),
  partitionIntervalMs: z
    .number()
    .int()
    .min(3_600_000)
    .refine((v) => v % 60_000 === 0, 'must be a whole number of minutes')
    .default(86_400_000)
    .describe('Width of one time partition of the sample tables (default one day); retention drops whole ones.'),
  timescale: z
    .enum(['auto', 'off'])
    .default('auto')
    .describe('`auto` uses TimescaleDB hypertables when the extension is available; `off` uses plain partitions.'),
  readTimeoutMs: z
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(30_000)
    .describe(
      'Time budget of one read query (`statement_timeout`, set per query): a longer one is cancelled and the API answers 503 GT_READ_TIMEOUT. Writes have no budget.',
    ),
  retentionSliceRows: z.number().int().min(1).default(10_000).describe('Rows deleted per step by retention.'),
});

export type PostgresHistorianConfig = Readonly<z.infer<typeof postgresHistorianOptionsSchema>>;

export type PostgresHistorianOptions = z.input<typeof postgresHistorianOptionsSchema> & {
  /** Extra `pg` pool settings (host, user, ssl, …); `connectionString` and `poolSize` win over them. */
  pool?: PoolConfig;
  /** Injected structured logger; a silent one when absent. */
  logger?: Logger;
};
