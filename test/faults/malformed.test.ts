import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataType, Range, StatusCodes, Variant, VariantArrayType } from 'node-opcua';
import type { Hub } from '../../src/hub/index.js';
import { freePort, waitFor } from '../helpers/net.js';
import { CounterPlant } from './fixtures/counter-plant.js';
import {
  accountHistorian,
  counterHubConfig,
  describe as describeAccounting,
  pretrust,
  readAll,
  sleep,
  startHub,
} from './harness.js';

const TAGS = 20;
const HUGE = 'x'.repeat(1_000_000);

/**
 * Fault 8: the server sends malformed or awkward values next to good ones: NaN, ±Infinity, a 1 MB
 * string, an array in a scalar variable, Int64 beyond 2^53 and negative, an ExtensionObject. Each such tag is
 * stored or refused with a reason; the counters next to them are not affected at all.
 */
describe('fault 8: malformed values from the server', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-fault8-'));
  let plant: CounterPlant | undefined;
  let hub: Hub | undefined;

  after(async () => {
    await hub?.stop();
    await plant?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores or refuses each malformed tag with a reason, other tags unaffected', async () => {
    plant = new CounterPlant({
      port: await freePort(),
      pkiDir: join(dir, 'plant-pki'),
      tags: TAGS,
      intervalMs: 100,
      malformed: true,
    });
    await plant.start();
    const p = plant;
    const set = (name: string, v: Variant, ts: Date) =>
      p.malformed.get(name)?.setValueFromSource(v, StatusCodes.Good, ts);
    p.onTick = (k, ts) => {
      if (k % 5 !== 0) return;
      set('NaN', new Variant({ dataType: DataType.Double, value: Number.NaN }), ts);
      set('PosInf', new Variant({ dataType: DataType.Double, value: Number.POSITIVE_INFINITY }), ts);
      set('NegInf', new Variant({ dataType: DataType.Double, value: Number.NEGATIVE_INFINITY }), ts);
      set('HugeString', new Variant({ dataType: DataType.String, value: `${k}${HUGE}` }), ts);
      set(
        'ArrayInScalar',
        new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [k, k + 1] }),
        ts,
      );
      set(
        'Int64Big',
        new Variant({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [0x7fffffff, 0xffffffff] }),
        ts,
      );
      set(
        'Int64Small',
        // negative: two's complement, −1 − (k mod 1e9)
        new Variant({
          dataType: DataType.Int64,
          arrayType: VariantArrayType.Scalar,
          value: [0xffffffff, 0xffffffff - (k % 1_000_000_000)],
        }),
        ts,
      );
      set('Extension', new Variant({ dataType: DataType.ExtensionObject, value: new Range({ low: 0, high: k }) }), ts);
    };
    const dataDir = join(dir, 'hub');
    await pretrust(dataDir, plant.certificateFile);
    const config = counterHubConfig(dataDir, { endpoint: plant.endpoint });
    hub = await startHub(config);
    const h = hub;
    await waitFor('the hub to connect', () => h.health().sources[0]?.state === 'connected', 60_000);
    const fromTick = (plant.produced.ticks.at(-1) as number) + 5;
    await sleep(3000);
    const toTick = plant.produced.ticks.at(-1) as number;
    await sleep(1000);
    await h.historian.flush();

    const a = await accountHistorian(h.historian, plant.produced, fromTick, toTick);
    const msg = describeAccounting(a);
    assert.deepEqual(a.silentlyMissing, [], `counters unaffected: ${msg}`);
    assert.equal(a.stored, a.produced, `counters unaffected: ${msg}`);
    assert.equal(h.health().sources[0]?.reconnects, 0, 'the malformed values did not break the connection');

    const tags = await h.historian.listTags();
    const events = await h.historian.events({ limit: 1000 });
    const outcome: Record<string, string> = {};
    for (const name of [
      'NaN',
      'PosInf',
      'NegInf',
      'HugeString',
      'ArrayInScalar',
      'Int64Big',
      'Int64Small',
      'Extension',
    ]) {
      const tag = tags.find((t) => t.lineage.nodeId.endsWith(`;s=X.${name}`));
      const refused = events.find((e) => e.kind === 'tag.rejected' && String(e.message).includes(`X.${name}`));
      if (!tag) {
        assert.ok(refused, `${name}: neither a tag nor a refusal with a reason`);
        outcome[name] = `refused: ${refused.message}`;
        continue;
      }
      const rows = await readAll(h.historian, tag.key);
      assert.ok(rows.length > 0 || refused, `${name}: values stored, or refused with a reason`);
      const last = rows.at(-1);
      outcome[name] =
        `stored ${rows.length}, last ${JSON.stringify(last?.value)?.slice(0, 60)} status ${last?.status.toString(16)}`;
    }
    // what each value became, stated exactly
    const byName = (n: string) => tags.find((t) => t.lineage.nodeId.endsWith(`;s=X.${n}`));
    const lastOf = async (n: string) => (await readAll(h.historian, (byName(n) as { key: number }).key)).at(-1);
    assert.equal((await lastOf('PosInf'))?.value, Number.POSITIVE_INFINITY, 'Infinity kept');
    assert.equal((await lastOf('NegInf'))?.value, Number.NEGATIVE_INFINITY, '-Infinity kept');
    const huge = await lastOf('HugeString');
    assert.equal(typeof huge?.value, 'string');
    assert.equal(String(huge?.value ?? '').length, HUGE.length + String(toTick).length, '1 MB string kept whole');
    assert.match(String((await lastOf('ArrayInScalar'))?.value), /^\[\d+,\d+\]$/, 'array kept as JSON');
    // Int64 within ±2^53 is a number, sign and all; beyond, its exact decimal string (never rounded)
    const small = await lastOf('Int64Small');
    assert.equal(small?.value, -1 - (((small?.ts ?? 0) / 100) % 1_000_000_000), 'negative Int64 exact');
    assert.equal((await lastOf('Int64Big'))?.value, '9223372036854775807', 'Int64 beyond 2^53 kept exact as text');
    assert.match(String((await lastOf('Extension'))?.value), /"high":\d+/, 'ExtensionObject kept as JSON');
    process.stderr.write(`# fault 8: ${msg}\n# ${JSON.stringify(outcome)}\n`);
  });
});
