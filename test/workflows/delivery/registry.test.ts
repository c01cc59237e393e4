import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONNECTOR_KINDS,
  CONNECTOR_REGISTRY,
  type ConnectorConfig,
  connectorConfigSchema,
  createConnector,
} from '../../../src/workflows/delivery/index.js';
import { log } from './helpers.js';

/** One minimal valid `connectors.list[]` item per kind; a new kind without one fails below. */
const SAMPLES: Record<string, unknown> = {
  'sap-pm': {
    kind: 'sap-pm',
    name: 'sap',
    url: 'https://erp.example.com/sap/opu/odata/sap/API_MAINTNOTIFICATION',
    auth: { kind: 'basic', username: 'u', password: 'p' },
  },
  webhook: { kind: 'webhook', name: 'cmms', url: 'https://cmms.example.com/hook', secret: 's' },
  email: { kind: 'email', name: 'mail', smtp: { host: 'smtp.example.com' }, from: 'hub@example.com' },
};

describe('connector registry', () => {
  it('is complete: every kind has its entry, its schema in the config union and a working factory', async () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), [...CONNECTOR_KINDS].sort(), 'a sample per registered kind');
    // The config union is built from the registry: one option per kind, none missing, none extra.
    assert.deepEqual(connectorConfigSchema.options.map((o) => o.shape.kind.value).sort(), [...CONNECTOR_KINDS].sort());
    for (const kind of CONNECTOR_KINDS) {
      const entry = CONNECTOR_REGISTRY[kind];
      assert.equal(entry.kind, kind);
      const config = connectorConfigSchema.parse(SAMPLES[kind]) as ConnectorConfig;
      assert.equal(config.kind, kind);
      const c = createConnector(config, { timeout: 1000, logger: log });
      assert.equal(c.kind, kind, `${kind}: the factory builds its own kind`);
      assert.equal(c.name, config.name);
      assert.equal(c.concurrency, 1, `${kind}: the shared concurrency field reaches the connector`);
      await c.close();
    }
  });

  it('refuses an unknown kind naming the valid ones', () => {
    const r = connectorConfigSchema.safeParse({ kind: 'ftp', name: 'x' });
    assert.equal(r.success, false);
    assert.match(JSON.stringify(r.error?.issues), /sap-pm.*webhook.*email|kind/);
  });
});
