import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type KpiConfigInput, kpiConfigSchema } from '../../../src/analytics/kpi/config.js';
import { KpiService } from '../../../src/analytics/kpi/service.js';
import { createSqliteHistorian, type Historian } from '../../../src/historian/index.js';
import { SampleBatch } from '../../../src/model/sample.js';
import type { TagDataType, TagDefinition } from '../../../src/model/tag.js';

export const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
export const BAD = 0x80310000;
export const MIN = 60_000;
export const HOUR = 3_600_000;

export const SIGNALS: [string, TagDataType][] = [
  ['status/machine_state', 'UInt'],
  ['production/good_parts', 'UInt'],
  ['production/scrap_parts', 'UInt'],
  ['production/ideal_cycle_time', 'Double'],
  ['energy/energy_total', 'Double'],
];

export function machineTags(asset: string): TagDefinition[] {
  return SIGNALS.map(([rel, dataType]) => ({
    id: `${asset}/${rel}`,
    assetPath: asset,
    name: rel.split('/')[1] as string,
    dataType,
    lineage: { source: 'test', endpoint: 'opc.tcp://localhost:4840', nodeId: `ns=1;s=${asset}/${rel}` },
  }));
}

export interface Fixture {
  dir: string;
  historian: Historian;
  service: KpiService;
  /** Writes [tag-relative-path, ts, value|null, status?] rows for a machine. */
  write(asset: string, rows: [string, number, number | null, number?][]): Promise<void>;
  close(): Promise<void>;
}

export async function fixture(
  assets: string[],
  kpi: KpiConfigInput,
  opts: { timezone?: string; now?: () => number } = {},
): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'gt-kpi-'));
  const historian = createSqliteHistorian({ path: join(dir, 'historian.db'), logger: log });
  await historian.open();
  const keys = new Map<string, number>();
  for (const a of assets) {
    const defs = machineTags(a);
    const k = await historian.register(defs);
    defs.forEach((d, i) => {
      keys.set(d.id, k[i] as number);
    });
  }
  const service = new KpiService({
    historian,
    config: kpiConfigSchema.parse(kpi),
    sites: [{ id: 'zurich', timezone: opts.timezone ?? 'UTC' }],
    storePath: join(dir, 'kpi.db'),
    logger: log,
    now: opts.now ?? (() => Date.UTC(2030, 0, 1)),
  });
  return {
    dir,
    historian,
    service,
    async write(asset, rows) {
      const b = new SampleBatch();
      for (const [rel, ts, v, st] of rows) {
        const key = keys.get(`${asset}/${rel}`);
        if (key === undefined) throw new Error(`no tag ${asset}/${rel}`);
        b.push(key, ts, ts, v === null ? Number.NaN : v, st ?? 0);
      }
      historian.write(b);
      await historian.flush();
    },
    async close() {
      await service.stop();
      await historian.close();
    },
  };
}

export const close = (a: number | null | undefined, b: number, eps = 1e-9): boolean =>
  a !== null && a !== undefined && Math.abs(a - b) <= eps * Math.max(1, Math.abs(b));
