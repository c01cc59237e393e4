import type { Logger } from 'pino';
import { z } from 'zod';

/** The SQLite historian's tuning knobs, declared once with their defaults. */
export const sqliteHistorianOptionsSchema = z.object({
  path: z
    .string()
    .min(1)
    .describe('The SQLite database file. Created if missing; `-wal` and `-shm` files live beside it.'),
  flushIntervalMs: z
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(1000)
    .describe('How often accepted values are written to the staging log: the most a crash can lose.'),
  sealValues: z
    .number()
    .int()
    .min(1)
    .default(1_000_000)
    .describe('Values held in memory before they are sealed into compressed chunks (memory ≈ 30–60 bytes per value).'),
  sealAgeMs: z
    .number()
    .int()
    .min(1)
    .default(600_000)
    .describe('Seal at the latest after this long, so slow tags also end up in chunks.'),
  chunkMaxValues: z
    .number()
    .int()
    .min(16)
    .max(1_000_000)
    .default(1024)
    .describe('Largest chunk, in values. Smaller chunks let trend queries use more chunk summaries.'),
  sealSliceValues: z
    .number()
    .int()
    .min(1)
    .default(32_768)
    .describe('Values encoded per event-loop tick while sealing, so ingestion is never blocked for long.'),
  compression: z
    .enum(['none', 'deflate'])
    .default('deflate')
    .describe(
      'Extra deflateRaw (level 1) pass over each chunk body of 256 bytes or more: ≈3× smaller at ≈the same CPU (docs/historian.md).',
    ),
  readSliceMs: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe(
      'A raw or aggregate query gives the event loop back after this much work (better-sqlite3 is synchronous; collection shares the loop).',
    ),
  readTimeoutMs: z
    .number()
    .int()
    .min(1)
    .max(3_600_000)
    .default(30_000)
    .describe('Time budget of one raw or aggregate query: a longer one is cancelled with GT_READ_TIMEOUT (503).'),
  retentionSliceChunks: z.number().int().min(1).default(2000).describe('Chunks deleted per step by retention.'),
});

export type SqliteHistorianConfig = Readonly<z.infer<typeof sqliteHistorianOptionsSchema>>;

export type SqliteHistorianOptions = z.input<typeof sqliteHistorianOptionsSchema> & {
  /** Injected structured logger; a silent one when absent. */
  logger?: Logger;
};
