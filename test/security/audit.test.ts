import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { AuditLog, entryHash, readEntries, verifyAuditLog } from '../../src/security/audit/index.js';
import { makeLog, removeLogs } from './audit-helpers.js';

after(removeLogs);

const lines = (file: string): string[] => readFileSync(file, 'utf8').trimEnd().split('\n');
const save = (file: string, ls: string[]): void => writeFileSync(file, `${ls.join('\n')}\n`);

describe('audit log', () => {
  it('chains every entry to the one before, and an untouched log verifies', () => {
    const file = makeLog(10);
    const entries = readEntries(file);
    assert.equal(entries.length, 10);
    entries.forEach((e, i) => {
      assert.equal(e.seq, i + 1);
      assert.equal(e.hash, entryHash(e));
      if (i > 0) assert.equal(e.prev, entries[i - 1]?.hash);
    });
    const v = verifyAuditLog(file);
    assert.deepEqual(v.problems, []);
    assert.equal(v.ok, true);
    assert.equal(v.head, entries[9]?.hash);
  });

  it('continues the chain after a restart', () => {
    const file = makeLog(3);
    const log = new AuditLog({ file, logger: pino({ level: 'silent' }) });
    log.open();
    log.append({ actor: 'system', action: 'hub.start', outcome: 'ok' });
    log.close();
    const entries = readEntries(file);
    assert.equal(entries[3]?.seq, 4);
    assert.equal(entries[3]?.prev, entries[2]?.hash);
    assert.equal(verifyAuditLog(file).ok, true);
  });

  it('names an edited entry', () => {
    const file = makeLog(10);
    const ls = lines(file);
    ls[4] = (ls[4] as string).replace('"outcome":"ok"', '"outcome":"refused"').replace('step 5', 'step five');
    save(file, ls);
    const v = verifyAuditLog(file);
    assert.equal(v.ok, false);
    assert.deepEqual(
      v.problems.map((p) => [p.entry, p.kind]),
      [[5, 'edited']],
    );
    assert.match(v.problems[0]?.message ?? '', /entry 5 was edited/);
  });

  it('names an entry edited with its hash recomputed (the next entry no longer chains)', () => {
    const file = makeLog(10);
    const ls = lines(file);
    const e = JSON.parse(ls[6] as string);
    e.actor = 'user:mallory';
    e.hash = entryHash(e);
    ls[6] = JSON.stringify(e);
    save(file, ls);
    const v = verifyAuditLog(file);
    assert.deepEqual(
      v.problems.map((p) => [p.entry, p.kind]),
      [[8, 'relinked']],
    );
    assert.match(v.problems[0]?.message ?? '', /entry 8 does not chain to entry 7/);
  });

  it('names a removed entry', () => {
    const file = makeLog(10);
    const ls = lines(file);
    ls.splice(3, 1); // entry 4
    save(file, ls);
    const v = verifyAuditLog(file);
    assert.deepEqual(
      v.problems.map((p) => [p.entry, p.kind]),
      [[4, 'removed']],
    );
    assert.match(v.problems[0]?.message ?? '', /entry 4 was removed/);
  });

  it('names entries removed from the end (from the head file)', () => {
    const file = makeLog(10);
    save(file, lines(file).slice(0, 8));
    const v = verifyAuditLog(file);
    assert.deepEqual(
      v.problems.map((p) => [p.entry, p.kind]),
      [[9, 'truncated']],
    );
    assert.match(v.problems[0]?.message ?? '', /entries 9\.\.10 were removed from the end/);
  });

  it('names reordered entries', () => {
    const file = makeLog(10);
    const ls = lines(file);
    [ls[5], ls[6]] = [ls[6] as string, ls[5] as string]; // entries 6 and 7 swapped
    save(file, ls);
    const v = verifyAuditLog(file);
    assert.deepEqual(
      v.problems.map((p) => [p.entry, p.kind]),
      [[6, 'reordered']],
    );
    assert.match(v.problems[0]?.message ?? '', /entry 6 appears after entry 7/);
  });

  it('records in the chain that the hub found its end cut when it reopens', () => {
    const file = makeLog(5);
    save(file, lines(file).slice(0, 4));
    const log = new AuditLog({ file, logger: pino({ level: 'silent' }) });
    log.open();
    log.close();
    const last = readEntries(file).at(-1);
    assert.equal(last?.action, 'audit.tampered');
    const v = verifyAuditLog(file);
    assert.deepEqual(
      v.problems.map((p) => [p.entry, p.kind]),
      [[5, 'tamper-recorded']],
    );
  });
});

describe('configuration audit at start', () => {
  it('records hub.start each time and config.change naming the changed sections', async () => {
    const { auditConfigAtStart } = await import('../../src/security/audit/index.js');
    const file = makeLog(0);
    const open = () => {
      const log = new AuditLog({ file, logger: pino({ level: 'silent' }) });
      log.open();
      return log;
    };
    const base = { http: { port: 8080 }, writes: { enabled: false }, security: { tokens: [{ secret: 's3cr3t' }] } };
    let log = open();
    auditConfigAtStart(log, file, base, '1.0.0');
    log.close();
    log = open();
    auditConfigAtStart(log, file, base, '1.0.0');
    log.close();
    log = open();
    auditConfigAtStart(log, file, { ...base, writes: { enabled: true } }, '1.0.0');
    log.close();
    const entries = readEntries(file);
    assert.deepEqual(
      entries.map((e) => e.action),
      ['hub.start', 'hub.start', 'config.change', 'hub.start'],
    );
    assert.deepEqual(entries[2]?.details?.sections, ['writes']);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /s3cr3t/, 'no config value in the log');
    assert.equal(verifyAuditLog(file).ok, true);
  });
});
