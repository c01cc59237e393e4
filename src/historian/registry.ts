import { join } from 'node:path';
import type { Logger } from 'pino';
import type { GotthardConfig } from '../config/index.js';
import { createPostgresHistorian } from './postgres/index.js';
import { createSqliteHistorian } from './sqliteHistorian.js';
import type { Historian } from './types.js';

export type HistorianConfig = GotthardConfig['historian'];
export type HistorianEngine = HistorianConfig['engine'];

interface HistorianContext {
  /** The hub's data folder (`dataDir`), for engines that keep files. */
  dataDir: string;
  logger: Logger;
}

type HistorianFactory = (config: HistorianConfig, ctx: HistorianContext) => Historian;

/** One factory per `historian.engine`; the compiler checks that every engine of the schema has one. */
export const historianEngines = {
  sqlite: (c, ctx) =>
    createSqliteHistorian({
      path: c.path ?? join(ctx.dataDir, 'historian.db'),
      flushIntervalMs: c.flushInterval,
      logger: ctx.logger,
    }),
  postgres: (c, ctx) => {
    const pgc = c.postgres;
    if (pgc === undefined) throw new Error('unreachable: the config schema requires historian.postgres');
    return createPostgresHistorian({
      connectionString: pgc.connectionString,
      schema: pgc.schema,
      poolSize: pgc.poolSize,
      flushIntervalMs: c.flushInterval,
      logger: ctx.logger,
    });
  },
} as const satisfies Record<HistorianEngine, HistorianFactory>;

/** The historian the config asks for, not opened yet; retention is set from the config. */
export function createHistorian(config: HistorianConfig, ctx: HistorianContext): Historian {
  const h = historianEngines[config.engine](config, ctx);
  h.setRetention(config.retention.map((r) => ({ class: r.class, maxAgeMs: r.maxAge })));
  return h;
}
