import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { validateConfig } from '../../src/config/index.js';
import { DEMO_ASSETS, DEMO_WRITES, Hub } from '../../src/hub/index.js';
import { readEntries, verifyAuditLog } from '../../src/security/audit/index.js';
import type { Principal } from '../../src/security/types.js';
import { testAuth, withTestAuth } from '../helpers/auth.js';
import { freePort, waitFor } from '../helpers/net.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const CNC1 = 'acme/zurich/machining/line1/cnc1';
const CYCLE = `${CNC1}/production/ideal_cycle_time`;
const engineer: Principal = { kind: 'user', name: 'erika', role: 'engineer', scope: [] };

/**
 * Guarded writes end to end: the hub with the demo plant (a real node-opcua server) in-process,
 * the demo's allowlist, writes and method calls through `hub.commands` and through the API, the
 * plant's physics read back, and every attempt in the audit log.
 */
describe('guarded writes to the demo plant', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-writes-'));
  const admin = testAuth('admin');
  const eng = testAuth('engineer', [], 'eng');
  const viewer = testAuth('viewer', [], 'view');
  const scoped = testAuth('engineer', ['acme/zurich/packaging'], 'packaging-eng');
  let hub: Hub;
  let base: string;
  const auditFile = join(dir, 'audit', 'audit.log');

  before(async () => {
    const raw = {
      dataDir: dir,
      assets: DEMO_ASSETS,
      http: { port: 0 },
      demo: { port: await freePort() },
      historian: { flushInterval: 200 },
      writes: structuredClone(DEMO_WRITES),
    };
    let withAuth = withTestAuth(raw, admin);
    for (const a of [eng, viewer, scoped]) withAuth = withTestAuth(withAuth, a);
    hub = new Hub(validateConfig(withAuth, { env: {} }), { logger: log, demo: true, webRoot: false });
    await hub.start();
    base = hub.address as string;
    await waitFor(
      'the demo plant connected with its tags',
      async () => (await hub.historian.getTag(CYCLE)) && hub.health().sources[0]?.state === 'connected',
      60_000,
    );
  });

  after(async () => {
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const model = () => hub.demo?.simulation.get('Machining.Line1.CNC1');

  it('a write inside the allowlist reaches the demo plant and comes back through the subscription', async () => {
    const commands = hub.commands;
    assert.ok(commands);
    const r = await commands.write({
      tagId: CYCLE,
      value: 42.5,
      reason: 'trial of a faster program',
      principal: engineer,
    });
    assert.equal(r.statusCode, 'Good', r.message);
    assert.equal(r.ok, true);
    assert.equal(model()?.values['Production.IdealCycleTime'], 42.5, 'the plant physics took the setpoint');
    const key = (await hub.historian.getTag(CYCLE))?.key as number;
    await waitFor('the written value back in the historian', async () => {
      const [v] = await hub.historian.latest([key]);
      return v?.value === 42.5;
    });
  });

  it('refuses writes outside the range, outside the allowlist, of the wrong type, without a reason or role, and audits each', async () => {
    const commands = hub.commands;
    assert.ok(commands);
    const before = model()?.values['Production.IdealCycleTime'];
    const cases: [string, Parameters<typeof commands.write>[0], string, RegExp][] = [
      [
        'out of range',
        { tagId: CYCLE, value: 900, reason: 'too slow', principal: engineer },
        'BadOutOfRange',
        /outside the allowed range 1\.\.600/,
      ],
      [
        'wrong type',
        { tagId: CYCLE, value: '42', reason: 'string', principal: engineer },
        'BadTypeMismatch',
        /expected a number/,
      ],
      [
        'not allowlisted',
        { tagId: `${CNC1}/spindle/speed`, value: 1000, reason: 'spin faster', principal: engineer },
        'BadUserAccessDenied',
        /not in the write allowlist/,
      ],
      ['no reason', { tagId: CYCLE, value: 40, reason: ' ', principal: engineer }, 'BadUserAccessDenied', /reason/],
      [
        'operator role',
        { tagId: CYCLE, value: 40, reason: 'operator tries', principal: { ...engineer, role: 'operator' } },
        'BadUserAccessDenied',
        /engineer or higher/,
      ],
      [
        'outside scope',
        { tagId: CYCLE, value: 40, reason: 'other area', principal: { ...engineer, scope: ['acme/zurich/packaging'] } },
        'BadUserAccessDenied',
        /outside .* scope/,
      ],
    ];
    const n0 = readEntries(auditFile).length;
    for (const [what, req, code, message] of cases) {
      const r = await commands.write(req);
      assert.equal(r.ok, false, what);
      assert.equal(r.statusCode, code, `${what}: ${r.message}`);
      assert.match(r.message, message, what);
    }
    assert.equal(model()?.values['Production.IdealCycleTime'], before, 'nothing reached the plant');
    const added = readEntries(auditFile).slice(n0);
    assert.equal(added.length, cases.length, 'one audit entry per refused attempt');
    for (const e of added) {
      assert.equal(e.action, 'machine.write');
      assert.equal(e.outcome, 'refused');
    }
    assert.equal(added[0]?.details?.value, 900);
    assert.equal(added[0]?.actor, 'user:erika');
  });

  it('ResetWear through the guarded path resets wear on the demo plant', async () => {
    const m = model();
    assert.ok(m);
    m.injectFault('bearing'); // wear to 100 %, machine in Fault
    m.sample();
    assert.equal(m.values['Bearing.Wear'], 100);
    const r = await hub.commands?.call({
      asset: CNC1,
      method: 'ResetWear',
      reason: 'bearing replaced (WO-1)',
      principal: { kind: 'system', name: 'rule:bearing-wear', role: 'engineer', scope: [] },
    });
    assert.equal(r?.statusCode, 'Good', r?.message);
    assert.ok((m.values['Bearing.Wear'] as number) < 1, `bearing wear after reset: ${m.values['Bearing.Wear']}`);
    const wear = (await hub.historian.getTag(`${CNC1}/bearing/wear`))?.key as number;
    await waitFor('wear back near 0 in the historian', async () => {
      const [v] = await hub.historian.latest([wear]);
      return typeof v?.value === 'number' && v.value < 1;
    });
    const entry = readEntries(auditFile).at(-1);
    assert.equal(entry?.action, 'machine.call');
    assert.equal(entry?.actor, 'rule:bearing-wear');
    assert.equal(entry?.outcome, 'ok');
    assert.equal(entry?.target, `${CNC1}#ResetWear`);
  });

  it('refuses a method that is not allowlisted, even though the plant has it', async () => {
    const r = await hub.commands?.call({
      asset: CNC1,
      method: 'InjectFault',
      args: ['trip'],
      reason: 'test',
      principal: engineer,
    });
    assert.equal(r?.ok, false);
    assert.equal(r?.statusCode, 'BadUserAccessDenied');
    assert.match(r?.message ?? '', /InjectFault .* not in the allowlist/);
    assert.equal(readEntries(auditFile).at(-1)?.outcome, 'refused');
  });

  it('the API: engineer may write, viewer and out-of-scope engineer may not; every attempt audited', async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${base}/api/v1/machines/write`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post(eng.headers, { tagId: CYCLE, value: 55, reason: 'API write test' });
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(((await ok.json()) as { statusCode: string }).statusCode, 'Good');
    assert.equal(model()?.values['Production.IdealCycleTime'], 55);
    assert.equal(readEntries(auditFile).at(-1)?.actor, 'token:eng');

    const range = await post(eng.headers, { tagId: CYCLE, value: 0, reason: 'API range test' });
    assert.equal(range.status, 400);
    assert.match(await range.text(), /BadOutOfRange/);

    assert.equal((await post(viewer.headers, { tagId: CYCLE, value: 50, reason: 'viewer' })).status, 403);
    assert.equal((await post(scoped.headers, { tagId: CYCLE, value: 50, reason: 'scope' })).status, 403);
    const noReason = await post(eng.headers, { tagId: CYCLE, value: 50 });
    assert.equal(noReason.status, 400);
    assert.equal(model()?.values['Production.IdealCycleTime'], 55);

    const call = await fetch(`${base}/api/v1/machines/call`, {
      method: 'POST',
      headers: { ...eng.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ asset: CNC1, method: 'ResetWear', reason: 'API call test' }),
    });
    assert.equal(call.status, 200, await call.clone().text());
    assert.equal(verifyAuditLog(auditFile).ok, true, 'the audit chain is intact');
  });
});
