import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/index.js';
import { SINK_KINDS } from '../../src/sinks/index.js';

describe('sink registry', () => {
  it('is complete: every entry names its own kind and reads its part of the config', () => {
    const bare = validateConfig({ dataDir: '/tmp/gt-sinks' }, { env: {} });
    const withUns = validateConfig(
      { dataDir: '/tmp/gt-sinks', uns: { broker: { mode: 'external', url: 'mqtt://127.0.0.1:1883' } } },
      { env: {} },
    );
    for (const [key, entry] of Object.entries(SINK_KINDS)) {
      assert.equal(entry.kind, key);
      assert.equal(entry.configOf(bare), undefined, `${key}: off unless configured`);
    }
    assert.equal(SINK_KINDS.uns.configOf(withUns), withUns.uns);
    // A config key that names a sink must have its registry entry (the historian is the always-on sink).
    assert.deepEqual(Object.keys(SINK_KINDS), ['uns']);
  });
});
