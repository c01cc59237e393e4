import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { type HubPki, openPki, PkiError } from '../../src/pki/index.js';

const log = pino({ level: 'silent' });
let dir: string;
let pki: HubPki;
let other: HubPki;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gotthard-pki-'));
  const opts = { logger: log, disableFileWatchers: true };
  pki = await openPki({ dir: path.join(dir, 'hub'), applicationUri: 'urn:gotthard:test', ...opts });
  other = await openPki({
    dir: path.join(dir, 'other'),
    applicationUri: 'urn:other:app',
    subject: '/CN=Other',
    ...opts,
  });
});
after(async () => {
  await pki.close();
  await other.close();
  await rm(dir, { recursive: true, force: true });
});

test('creates the own certificate once, with the ApplicationUri', async () => {
  const own = await pki.ownCertificate();
  assert.match(own.thumbprint, /^[0-9a-f]{40}$/);
  assert.equal(own.applicationUri, 'urn:gotthard:test');
  assert.ok(own.notAfter.getTime() > Date.now() + 365 * 86_400_000);
  assert.ok(existsSync(own.certificateFile) && existsSync(own.privateKeyFile));
  const again = await openPki({ dir: path.join(dir, 'hub'), applicationUri: 'urn:gotthard:test', logger: log });
  assert.equal((await again.ownCertificate()).thumbprint, own.thumbprint);
  await again.close();
});

test('trustFile, reject, trust by thumbprint prefix, remove', async () => {
  const peer = await other.ownCertificate();
  const t = await pki.trustFile(peer.certificateFile);
  assert.equal(t.status, 'trusted');
  assert.equal(t.thumbprint, peer.thumbprint);
  assert.match(t.subject, /CN=Other/);
  assert.equal((await pki.reject(peer.thumbprint.toUpperCase())).status, 'rejected');
  assert.equal((await pki.trust(peer.thumbprint.slice(0, 10))).status, 'trusted');
  const listed = await pki.list();
  assert.deepEqual(
    listed.map((c) => [c.status, c.thumbprint]),
    [['trusted', peer.thumbprint]],
  );
  await pki.remove(peer.thumbprint);
  assert.deepEqual(await pki.list(), []);
});

test('an unknown thumbprint says so and where it looked', async () => {
  await assert.rejects(pki.trust('00112233445566778899aabbccddeeff00112233'), (err: unknown) => {
    assert.ok(err instanceof PkiError);
    assert.equal(err.code, 'GT_PKI_UNKNOWN_THUMBPRINT');
    assert.ok(err.message.includes(pki.trustedDir) && err.message.includes(pki.rejectedDir), err.message);
    return true;
  });
});
