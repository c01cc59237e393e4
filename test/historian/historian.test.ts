import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before } from 'node:test';
import Database from 'better-sqlite3';
import { createSqliteHistorian, type SqliteHistorian } from '../../src/historian/index.js';
import { tempDir } from './helpers.js';
import { historianSuite, type SuiteBackend } from './suite.js';

let dir: string;
let cleanup: () => void;
before(() => {
  ({ dir, cleanup } = tempDir());
});
after(() => cleanup());

let n = 0;

const sqlite = {
  newStore: async () => join(dir, `h${++n}.db`),
  open: (path, tuning = {}) => createSqliteHistorian({ path, flushIntervalMs: 60_000, ...tuning }),
  settle: (h) => (h as SqliteHistorian).sealNow(),
  equalTimestamps: 'first-wins',
  async checkStore(path) {
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  },
} satisfies SuiteBackend;

historianSuite('SqliteHistorian', sqlite);
