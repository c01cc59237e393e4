import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GotthardError } from '../errors.js';

const DAY = 86_400_000;

/**
 * The maximum cost of every read the API serves, in one place (documented in docs/api.md, "Read
 * limits"). A read's cost is range × tags × resolution; each route checks its request against these
 * numbers before it touches the historian and answers 400 `GT_READ_LIMIT` naming the parameter and the
 * maximum. Collection comes first: a hub that loses data because someone asked a big question is
 * worth less than one that says "ask a smaller one" (issue 15: one unbounded KPI summary over 99999
 * days took 221 s, 2.6 GB and a 3 min 43 s gap in a 1 Hz tag).
 */
export const READ_LIMITS = {
  /** Longest time range (`to − from`) of any history read: trend, aggregate, raw pages, exports. */
  maxRangeMs: 3660 * DAY,
  trend: {
    /** Tags per trend request. */
    maxTags: 16,
    /** Points per tag (`maxPoints`). */
    maxPointsPerTag: 20_000,
    /** Tags × `maxPoints` per request: what the hub computes and sends. */
    maxPoints: 160_000,
  },
  /** Buckets per aggregate request (`/history/aggregate`) and per tag of a bucketed export. */
  maxBuckets: 100_000,
  /** Rows per raw page (`/history/raw?limit=`); pages are keyset-paged, so each page costs about its rows. */
  maxRawPage: 100_000,
  export: {
    /** Tags per CSV export (`/history/export`). */
    maxTags: 64,
    /** Raw rows per CSV export (`limit`); the export is streamed, so memory stays flat. */
    maxRows: 10_000_000,
    /** Rows (tags × buckets) of a bucketed CSV export. */
    maxBucketRows: 1_000_000,
  },
  dataset: {
    /** Tags per data set (`/history/dataset`, named or found under `asset`). */
    maxTags: 500,
    /** Stored values of a CSV data set (streamed). */
    maxCsvRows: 10_000_000,
    /**
     * Stored values of a Parquet data set: built in memory (about 100 bytes a value) and encoded in one
     * synchronous piece (≈ 2 µs a value on a busy 2-core box), so it is kept small; CSV streams.
     */
    maxParquetRows: 500_000,
  },
  /** Events per request (`/events?limit=`). */
  maxEvents: 10_000,
  kpi: {
    /** Range of a KPI summary: the middle of the range comes from stored hours, the edges from raw data. */
    summaryMaxMs: 366 * DAY,
    /** Machines × days of a KPI summary or series (a site with 50 machines: 366 days). */
    maxMachineDays: 20_000,
    /** Range of a KPI series per period kind (hours of a long range are many rows; days are few). */
    seriesMaxMs: { hour: 93 * DAY, shift: 366 * DAY, day: 3660 * DAY, week: 3660 * DAY, month: 3660 * DAY },
    /** Range of stops, Pareto and timelines (raw state data, no roll-up); the KPI engine checks it too. */
    rawMaxMs: 31 * DAY,
  },
  /** Heavy reads (the routes above) one principal (user or API token) may run at once; beyond: 429. */
  heavyPerPrincipal: 4,
  /** Heavy reads the whole hub runs at once; beyond: 429. */
  heavyTotal: 16,
  /** Seconds a client is told to wait (`Retry-After`) after a 429. */
  retryAfterS: 1,
} as const;

export type ReadLimits = typeof READ_LIMITS;

/** `n` days, hours or ms as a short text for messages. */
export function spanText(ms: number): string {
  if (ms >= DAY && ms % DAY === 0) return `${ms / DAY} days`;
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${ms} ms`;
}

/** 400 `GT_READ_LIMIT`: names the parameter, what was asked, the maximum and what to do. */
export function readLimitError(param: string, asked: string, max: string, hint: string): GotthardError {
  return new GotthardError(
    'GT_READ_LIMIT',
    `query parameter "${param}": ${asked} exceeds the read limit of ${max}; ${hint} (docs/api.md, "Read limits")`,
    { param, max },
  );
}

/** Checks `to − from` against a maximum; `param` is the parameter the client should change. */
export function checkRange(
  range: { from: number; to: number },
  maxMs: number = READ_LIMITS.maxRangeMs,
  hint = 'shorten the range',
  param = 'from',
): void {
  const span = range.to - range.from;
  if (span > maxMs) {
    throw readLimitError(param, `a range of ${spanText(Math.ceil(span / DAY) * DAY)}`, spanText(maxMs), hint);
  }
}

/** Checks a count (tags, points, rows) against a maximum. */
export function checkCount(param: string, what: string, n: number, max: number, hint: string): void {
  if (n > max) throw readLimitError(param, `${n} ${what}`, `${max} ${what}`, hint);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A read whose cost grows with the request (range, tags, buckets): counted against the
     * per-principal and hub-wide concurrency of heavy reads.
     */
    heavyRead?: boolean;
  }
}

export interface HeavyReadOptions {
  perPrincipal?: number;
  total?: number;
}

/**
 * Concurrency of heavy reads: per principal (user or token name; the client address when there is
 * none) and for the whole hub. A request over either answers 429 `GT_TOO_MANY_READS` with
 * `Retry-After`, before it reads anything, so one client cannot take more than its share and all of
 * them together cannot starve collection. The slot is given back when the response is finished or
 * the client went away (a streamed export holds its slot until its last byte).
 */
export function installReadConcurrency(app: FastifyInstance, opts: HeavyReadOptions = {}): void {
  const perPrincipal = opts.perPrincipal ?? READ_LIMITS.heavyPerPrincipal;
  const total = opts.total ?? READ_LIMITS.heavyTotal;
  const running = new Map<string, number>();
  let all = 0;

  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.routeOptions.config?.heavyRead !== true) return;
    const p = req.principal;
    const key = p ? `${p.kind}:${p.name}` : `ip:${req.ip}`;
    const mine = running.get(key) ?? 0;
    if (mine >= perPrincipal || all >= total) {
      reply.header('retry-after', String(READ_LIMITS.retryAfterS));
      throw new GotthardError(
        'GT_TOO_MANY_READS',
        mine >= perPrincipal
          ? `${p ? `"${p.name}"` : 'this client'} already runs ${mine} heavy reads (history, trend, export, KPI); at most ${perPrincipal} at once per user or token: wait for one to finish and retry after ${READ_LIMITS.retryAfterS} s`
          : `the hub already runs ${all} heavy reads; at most ${total} at once so collection keeps its time: retry after ${READ_LIMITS.retryAfterS} s`,
        { perPrincipal, total },
      );
    }
    running.set(key, mine + 1);
    all++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      all--;
      const n = (running.get(key) ?? 1) - 1;
      if (n <= 0) running.delete(key);
      else running.set(key, n);
    };
    reply.raw.once('close', release);
    reply.raw.once('finish', release);
  });
}
