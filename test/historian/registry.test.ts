import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfigText } from '../../src/config/index.js';
import { configSchema } from '../../src/config/schema.js';
import { createHistorian, historianEngines, PostgresHistorian, SqliteHistorian } from '../../src/historian/index.js';
import { SampleBatch } from '../../src/model/sample.js';
import { tagDef, tempDir } from './helpers.js';
import { dropSchemas, randomSchema, testConnectionString } from './pg.js';

const { dir, cleanup } = tempDir();
const connectionString = await testConnectionString();
const schema = randomSchema();
after(async () => {
  cleanup();
  await dropSchemas(connectionString, [schema]);
});

describe('historian registry', () => {
  it('has a factory for every engine of the config schema, and nothing else', () => {
    const json = configSchema.toJSONSchema({ io: 'input' }) as unknown as {
      properties: { historian: { properties: { engine: { enum: string[] } } } };
    };
    assert.deepEqual(
      Object.keys(historianEngines).sort(),
      [...json.properties.historian.properties.engine.enum].sort(),
    );
  });

  it('creates the SQLite historian by default', () => {
    const c = loadConfigText(`dataDir: ${dir}\n`, { env: {} });
    assert.ok(createHistorian(c.historian, { dataDir: dir, logger: silent() }) instanceof SqliteHistorian);
  });

  it('creates a working PostgreSQL historian from YAML, with the password from the environment', async () => {
    const url = new URL(connectionString);
    const yaml = `historian:
  engine: postgres
  flushInterval: 50ms
  retention: [{ class: default, maxAge: 30d }]
  postgres:
    connectionString: postgresql://${url.username}:\${PGPASSWORD}@${url.host}${url.pathname}
    schema: ${schema}
`;
    const c = loadConfigText(yaml, { env: { PGPASSWORD: 'unused-with-trust-auth' } });
    const h = createHistorian(c.historian, { dataDir: dir, logger: silent() });
    assert.ok(h instanceof PostgresHistorian);
    await h.open();
    const [key] = await h.register([tagDef('reg/a/b')]);
    const b = new SampleBatch();
    b.push(key!, 1_700_000_000_000, 1_700_000_000_001, 42.5, 0);
    h.write(b);
    // The timer (50 ms) writes it; no explicit flush.
    for (let i = 0; i < 100 && h.stats().persisted < 1; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await h.latest([key!]), [
      { tagKey: key, ts: 1_700_000_000_000, serverTs: 1_700_000_000_001, value: 42.5, status: 0 },
    ]);
    await h.close();
  });

  it('marks the connection string secret and names what is missing', () => {
    const json = configSchema.toJSONSchema({ io: 'input' }) as unknown as {
      properties: { historian: { properties: { postgres: { properties: Record<string, Record<string, unknown>> } } } };
    };
    const pgProps = json.properties.historian.properties.postgres.properties;
    assert.equal(pgProps.connectionString?.['x-secret'], true);
    assert.throws(
      () => loadConfigText('historian:\n  engine: postgres\n', { env: {} }),
      /historian\.postgres: engine "postgres" needs historian\.postgres\.connectionString/,
    );
  });
});

function silent() {
  return pino({ enabled: false });
}
