import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { parquetReadObjects } from 'hyparquet';
import { pino as pinoLogger } from 'pino';
import { importTagDefinitions } from '../../../src/analytics/history/index.js';
import { buildApi } from '../../../src/api/index.js';
import type { HubView } from '../../../src/api/types.js';
import { loadConfigFile, validateConfig } from '../../../src/config/index.js';
import { buildAssetTree } from '../../../src/model/assets.js';
import { AuditLog, readEntries } from '../../../src/security/audit/index.js';
import { authedInject, testAuth as makeTestAuth, openTestAuth } from '../../helpers/auth.js';
import { close, type Fixture, fixture, HOUR, log, MIN } from './helpers.js';

const M = 'acme/zurich/machining/line1/cnc1';
const DAY0 = Date.UTC(2026, 0, 13);
const t = (h: number, m = 0) => new Date(DAY0 + h * HOUR + m * MIN).toISOString();

/** The hand-computed shift of kpi.test.ts, as a CSV file a plant would export from its old historian. */
const CSV = [
  'tag,ts,value,status',
  `${M}/status/machine_state,${t(5, 30)},3,`,
  `${M}/status/machine_state,${t(6)},0,Good`,
  `${M}/status/machine_state,${t(7)},1,0`,
  `${M}/status/machine_state,${t(7, 10)},0,`,
  `${M}/status/machine_state,${t(8)},3,`,
  `${M}/status/machine_state,${t(8, 15)},0,`,
  `${M}/status/machine_state,${t(9)},4,`,
  `${M}/status/machine_state,${t(9, 20)},5,`,
  `${M}/status/machine_state,${t(9, 40)},2,`,
  `${M}/status/machine_state,${t(9, 50)},0,`,
  `${M}/status/machine_state,${t(14)},3,`,
  `${M}/production/ideal_cycle_time,${t(5, 30)},60,`,
  `${M}/production/good_parts,${t(5, 59)},1000,`,
  `${M}/production/good_parts,${t(7)},1050,`,
  `${M}/production/good_parts,${t(9)},1090,`,
  `${M}/production/good_parts,${t(10)},5,`,
  `${M}/production/good_parts,${t(13, 59)},210,`,
  `${M}/production/scrap_parts,${t(5, 59)},4294967290,`,
  `${M}/production/scrap_parts,${DAY0 + 13 * HOUR + 59 * MIN},14,`,
  `${M}/energy/energy_total,${t(6)},500,`,
  `"${M}/energy/energy_total",${t(10)},540,0x00000000`,
  `${M}/energy/energy_total,${t(14)},580,`,
  // Bad rows: each must be reported by its line number, and the rest imported.
  `${M}/nope,${t(6)},1,`,
  `${M}/status/machine_state,2026-01-13 06:00,1,`,
  `${M}/status/machine_state,${t(6)},abc,`,
  `${M}/status/machine_state,${t(6)},,`,
  `${M}/status/machine_state,${t(6)},1,Sometimes`,
  `${M}/status/machine_state,${t(6)}`,
  `${M}/energy/energy_total,${t(15)},,BadNoCommunication`,
].join('\r\n');

describe('history import → KPIs by the ISO 22400-2 formulas; export as CSV and Parquet', () => {
  let f: Fixture;
  let app: FastifyInstance;
  let inject: ReturnType<typeof authedInject>;
  let testAuth: Awaited<ReturnType<typeof openTestAuth>>;
  let audit: AuditLog;
  const scoped = makeTestAuth('engineer', ['acme/zurich/machining/line2'], 'line2-engineer');
  before(async () => {
    f = await fixture([M], {
      shifts: [{ name: 'early', start: '06:00', end: '14:00', breaks: [{ start: '08:00', end: '08:15' }] }],
      energy: { price: 0.2, tariff: [{ name: 'peak', start: '07:00', end: '20:00', price: 0.3 }] },
    });
    audit = new AuditLog({ file: join(f.dir, 'audit', 'audit.log'), logger: pinoLogger({ level: 'silent' }) });
    audit.open();
    const hub: HubView = {
      historian: f.historian,
      kpi: f.service,
      audit,
      health: () => {
        throw new Error('not used');
      },
      assetTree: async () => buildAssetTree({ enterprise: { id: 'acme' }, sites: [] }, await f.historian.listTags()),
    } as unknown as HubView;
    testAuth = await openTestAuth({ auths: [scoped] });
    app = await buildApi(hub, { logger: log, version: 'test', auth: testAuth.auth });
    inject = authedInject(app, testAuth.headers);
  });
  after(async () => {
    await app.close();
    audit.close();
    await f.close();
    testAuth.close();
  });

  it('imports the CSV, reports bad rows by line number, keeps every accepted row', async () => {
    const r = await inject({
      method: 'POST',
      url: '/api/v1/import',
      headers: { 'content-type': 'text/csv' },
      payload: CSV,
    });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.accepted, 23);
    assert.equal(body.rejected, 6);
    assert.deepEqual(
      body.errors.map((e: { line: number }) => e.line),
      [24, 25, 26, 27, 28, 29],
    );
    assert.match(body.errors[0].message, /unknown tag/);
    assert.match(body.errors[1].message, /ISO 8601 with a zone/);
    assert.match(body.errors[2].message, /not a number/);
    assert.match(body.errors[3].message, /only a Bad status/);
    assert.match(body.errors[4].message, /StatusCode/);
    assert.match(body.errors[5].message, /3 or 4 columns/);
    const state = await f.historian.getTag(`${M}/status/machine_state`);
    const stored = await f.historian.raw({
      tagKey: state?.key as number,
      from: DAY0,
      to: DAY0 + 86_400_000,
      limit: 100,
    });
    assert.equal(stored.samples.length, 11);
  });

  it('yields the KPIs the formulas give by hand for the imported shift', async () => {
    const r = await inject(`/api/v1/kpi/summary?asset=${M}&shift=2026-01-13/early`);
    assert.equal(r.statusCode, 200, r.body);
    const s = r.json();
    assert.equal(s.shift, '2026-01-13/early');
    assert.ok(close(s.kpis.availability, 405 / 465));
    assert.ok(close(s.kpis.effectiveness, 320 / 405));
    assert.ok(close(s.kpis.quality, 300 / 320));
    assert.ok(close(s.kpis.oee, 300 / 465));
    assert.ok(close(s.kpis.kwhPerGoodPart, 80 / 300));
    assert.ok(close(s.kpis.energyCost, 23));
    assert.equal(s.elements.pbtMs, 465 * MIN);
    const series = (await inject(`/api/v1/kpi/series?asset=acme/zurich&period=day&from=${t(0)}&to=${t(24)}`)).json();
    assert.equal(series.rows.length, 1);
    assert.ok(close(series.rows[0].kpis.oee, 300 / 465));
    const csv = (await inject(`/api/v1/kpi/export?asset=acme/zurich&period=shift&from=${t(0)}&to=${t(24)}`)).body;
    const [head, row] = csv.trim().split('\n');
    const cols = (head as string).split(',');
    const vals = (row as string).split(',');
    assert.equal(vals[cols.indexOf('period')], '2026-01-13/early');
    assert.ok(close(Number(vals[cols.indexOf('oee')]), 300 / 465));
    const stops = (await inject(`/api/v1/kpi/stops?asset=${M}&day=2026-01-13`)).json().stops;
    assert.equal(stops.length, 4);
    const put = await inject({
      method: 'PUT',
      url: '/api/v1/kpi/stops/reason',
      payload: { machine: M, start: stops[0].start, reason: 'minor.material' },
    });
    assert.equal(put.statusCode, 200, put.body);
    const pareto = (await inject(`/api/v1/kpi/pareto?asset=${M}&day=2026-01-13`)).json().rows;
    assert.ok(pareto.some((p: { key: string }) => p.key === 'minor.material'));
    const tl = (await inject(`/api/v1/kpi/timeline?machine=${M}&shift=2026-01-13/early`)).json();
    assert.equal(tl.states.length, 9);
    assert.equal(tl.states[1].reason, 'minor.material');
    assert.ok(tl.parts.some((p: { kind?: string }) => p.kind === 'reset'));
    assert.ok(tl.parts.some((p: { kind?: string }) => p.kind === 'rollover'));
  });

  it('exports history as CSV that imports again, and as Parquet that reads back', async () => {
    const q = `asset=${M}&from=${t(0)}&to=${t(24)}`;
    const csv = await inject(`/api/v1/history/dataset?${q}&format=csv`);
    assert.equal(csv.statusCode, 200);
    const lines = csv.body.trim().split('\n');
    assert.equal(lines.length, 1 + 23);
    const pq = await inject(`/api/v1/history/dataset?${q}&format=parquet`);
    assert.equal(pq.statusCode, 200);
    const buf = pq.rawPayload;
    const rows = (await parquetReadObjects({
      file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer,
    })) as { tag: string; ts: Date; value: number | null; status: bigint; status_name: string }[];
    assert.equal(rows.length, 23);
    const gap = rows.find((r) => r.status_name === 'BadNoCommunication');
    assert.ok(gap);
    assert.equal(gap.value, null);
    assert.equal(Number(gap.status), 0x80310000);
    const first = rows.find((r) => r.tag === `${M}/status/machine_state`);
    assert.equal(new Date(first?.ts as Date).toISOString(), t(5, 30));
    assert.equal(first?.value, 3);
    const again = await inject({
      method: 'POST',
      url: '/api/v1/import',
      headers: { 'content-type': 'text/csv' },
      payload: csv.body.replace(/,[A-Za-z]+\n/g, '\n').replace(/status,status_name/, 'status'),
    });
    assert.equal(again.json().rejected, 0, JSON.stringify(again.json().errors));
    assert.deepEqual(
      [again.json().accepted, again.json().unchanged, again.json().conflicting],
      [0, 23, 0],
      'every re-imported row is reported as unchanged, none as accepted',
    );
    const after = await inject(`/api/v1/history/dataset?${q}&format=csv`);
    assert.equal(
      after.body.trim().split('\n').length,
      1 + 23,
      'a re-import of the exported rows stores nothing twice (idempotent on tag and source timestamp)',
    );
    assert.equal(after.body, csv.body, 'the history is unchanged by the re-import');
  });

  it('reports a differing value as conflicting and keeps it; mode=correct replaces it, audits old and new, recomputes KPIs', async () => {
    const parts = `${M}/production/good_parts`;
    const csv = [
      'tag,ts,value,status',
      `${parts},${t(7)},1050,`, // line 2: same as stored
      `${parts},${t(13, 59)},230,`, // line 3: stored 210
      `${parts},${t(13, 30)},200,`, // line 4: new row
    ].join('\n');
    const summary = async () => (await inject(`/api/v1/kpi/summary?asset=${M}&shift=2026-01-13/early`)).json();
    const series = async () =>
      (await inject(`/api/v1/kpi/series?asset=acme/zurich&period=shift&from=${t(0)}&to=${t(24)}`)).json();
    assert.ok(close((await summary()).kpis.oee, 300 / 465));
    assert.ok(close((await series()).rows[0].kpis.oee, 300 / 465));
    const key = (await f.historian.getTag(parts))?.key as number;
    const at = async (ts: string) =>
      (await f.historian.raw({ tagKey: key, from: Date.parse(ts), to: Date.parse(ts) + 1, limit: 1 })).samples[0]
        ?.value;

    const plain = await inject({
      method: 'POST',
      url: '/api/v1/import',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    assert.equal(plain.statusCode, 200, plain.body);
    const p = plain.json();
    assert.deepEqual(
      [p.mode, p.accepted, p.unchanged, p.conflicting, p.corrected, p.rejected],
      ['insert', 1, 1, 1, 0, 0],
    );
    assert.deepEqual(p.rows, { accepted: [4], unchanged: [2], conflicting: [3], corrected: [] });
    assert.deepEqual(p.conflicts, [
      { line: 3, tag: parts, ts: t(13, 59), stored: { value: 210, status: 0 }, imported: { value: 230, status: 0 } },
    ]);
    assert.equal(await at(t(13, 59)), 210, 'insert mode keeps the stored value');
    assert.equal(readEntries(audit.file).filter((e) => e.action === 'history.correct').length, 0);

    const fixed = await inject({
      method: 'POST',
      url: '/api/v1/import?mode=correct',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    assert.equal(fixed.statusCode, 200, fixed.body);
    const c = fixed.json();
    assert.deepEqual(
      [c.mode, c.accepted, c.unchanged, c.conflicting, c.corrected, c.rejected],
      ['correct', 0, 2, 0, 1, 0],
    );
    assert.deepEqual(c.rows.corrected, [3]);
    assert.equal(await at(t(13, 59)), 230, 'correct mode stores the new value');
    const entries = readEntries(audit.file).filter((e) => e.action === 'history.correct');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.outcome, 'ok');
    assert.match(entries[0]?.actor ?? '', /^(user|token):/);
    assert.deepEqual((entries[0]?.details as { corrections?: unknown[] } | undefined)?.corrections, [
      { tag: parts, ts: t(13, 59), line: 3, old: { value: 210, status: 0 }, new: { value: 230, status: 0 } },
    ]);
    // An engineer scoped to another line cannot correct (or import) this machine's tags.
    const outside = await authedInject(
      app,
      scoped.headers,
    )({
      method: 'POST',
      url: '/api/v1/import?mode=correct',
      headers: { 'content-type': 'text/csv' },
      payload: `${parts},${t(13, 59)},999,`,
    });
    assert.equal(outside.statusCode, 200, outside.body);
    assert.deepEqual([outside.json().corrected, outside.json().rejected], [0, 1]);
    assert.match(outside.json().errors[0].message, /outside your scope/);
    assert.equal(await at(t(13, 59)), 230);
    // Good parts 300 → 320 (the last counter reading rose by 20; the 13:30 reading lies on the way):
    // OEE = good × ideal cycle time / planned busy time = 320 min / 465 min.
    assert.ok(close((await summary()).kpis.oee, 320 / 465), JSON.stringify((await summary()).kpis));
    assert.ok(close((await series()).rows[0].kpis.oee, 320 / 465));
  });

  it('imports the history of a machine declared for import only (config `imports`, no device) and computes its KPIs', async () => {
    const M2 = 'acme/zurich/machining/line1/lathe9';
    const file = join(f.dir, 'imports.yaml');
    writeFileSync(
      file,
      [
        'imports:',
        `  - asset: ${M2}`,
        '    tags:',
        '      - { name: status/machine_state, dataType: UInt }',
        '      - { name: production/good_parts, dataType: UInt }',
        '      - { name: production/scrap_parts, dataType: UInt }',
        '      - { name: production/ideal_cycle_time, unit: s }',
        '      - { name: energy/energy_total, unit: kWh }',
      ].join('\n'),
    );
    const cfg = loadConfigFile(file);
    const defs = importTagDefinitions(cfg.imports);
    assert.deepEqual(
      defs.map((d) => [d.id, d.assetPath, d.name, d.dataType, d.lineage.source]),
      [
        [`${M2}/status/machine_state`, M2, 'machine_state', 'UInt', 'import'],
        [`${M2}/production/good_parts`, M2, 'good_parts', 'UInt', 'import'],
        [`${M2}/production/scrap_parts`, M2, 'scrap_parts', 'UInt', 'import'],
        [`${M2}/production/ideal_cycle_time`, M2, 'ideal_cycle_time', 'Double', 'import'],
        [`${M2}/energy/energy_total`, M2, 'energy_total', 'Double', 'import'],
      ],
    );
    assert.throws(
      () => validateConfig({ imports: [{ asset: M2, tags: [{ name: 'a' }, { name: 'a' }] }] }),
      /imports\.0\.tags\.1\.name.*declared twice|declared twice.*imports/s,
    );
    assert.throws(() => validateConfig({ imports: [{ asset: 'Acme/Zurich', tags: [{ name: 'a' }] }] }), /imports/);
    assert.throws(
      () =>
        validateConfig({
          imports: [{ asset: M2, tags: [{ name: 'a' }] }],
          sources: [
            { kind: 'opcua', name: 'import', assetPrefix: 'acme/zurich', endpoint: 'opc.tcp://127.0.0.1:4840' },
          ],
        }),
      /sources\[0\]\.name: source name "import" is reserved/,
    );
    const before = await inject({
      method: 'POST',
      url: '/api/v1/import',
      headers: { 'content-type': 'text/csv' },
      payload: CSV.replaceAll(M, M2),
    });
    assert.equal(before.json().accepted, 0, 'without the declaration every row is an unknown tag');
    assert.match(before.json().errors[0].message, /unknown tag.*imports/);
    await f.historian.register(defs); // what the hub (and the offline CLI import) do at start
    const r = await inject({
      method: 'POST',
      url: '/api/v1/import',
      headers: { 'content-type': 'text/csv' },
      payload: CSV.replaceAll(M, M2),
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual([r.json().accepted, r.json().rejected], [23, 6]);
    const s = (await inject(`/api/v1/kpi/summary?asset=${M2}&shift=2026-01-13/early`)).json();
    assert.ok(close(s.kpis.oee, 300 / 465), JSON.stringify(s));
  });
});
