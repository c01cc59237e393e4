import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { validateConfig } from '../../src/config/index.js';
import { Hub } from '../../src/hub/index.js';
import { testAuth } from '../helpers/auth.js';
import { tempDir } from '../historian/helpers.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const M = 'acme/zurich/machining/line2/lathe3';

/** Issue 16: import needed a fake device. A hub with no source registers the `imports` tags at start. */
describe('tags declared for import only', () => {
  const tmp = tempDir('gt-imports-');
  after(() => tmp.cleanup());

  it('are registered by the hub at start (no source) and take CSV rows through its API', {
    timeout: 60_000,
  }, async () => {
    const engineer = testAuth('engineer');
    const config = validateConfig(
      {
        dataDir: tmp.dir,
        http: { port: 0 },
        imports: [
          {
            asset: M,
            tags: [
              { name: 'production/good_parts', dataType: 'UInt' },
              { name: 'energy/energy_total', unit: 'kWh' },
            ],
          },
        ],
        security: engineer.security,
      },
      { env: {} },
    );
    const hub = new Hub(config, { logger: log });
    try {
      await hub.start();
      const tags = (await hub.historian.listTags()).filter((t) => t.assetPath === M);
      assert.deepEqual(tags.map((t) => [t.id, t.dataType, t.unit, t.lineage.source]).sort(), [
        [`${M}/energy/energy_total`, 'Double', 'kWh', 'import'],
        [`${M}/production/good_parts`, 'UInt', undefined, 'import'],
      ]);
      const res = await fetch(`${hub.address}/api/v1/import`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', ...engineer.headers },
        body: `${M}/production/good_parts,2026-01-13T06:00:00Z,10\n${M}/production/good_parts,2026-01-13T07:00:00Z,20\n`,
      });
      const body = (await res.json()) as { accepted: number; rejected: number };
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.deepEqual([body.accepted, body.rejected], [2, 0]);
    } finally {
      await hub.stop();
    }
  });
});
