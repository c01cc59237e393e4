import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { validateConfig } from '../../src/config/index.js';
import { formatDuration, parseDuration } from '../../src/config/types.js';
import { SampleBatch } from '../../src/model/sample.js';
import type { TagRecord } from '../../src/model/tag.js';
import type { HubEvent } from '../../src/pipeline/types.js';
import type { MachineCallRequest, MachineCommands } from '../../src/security/types.js';
import type {
  ActionDelivery,
  OutboundAction,
  RuleInput,
  WorkOrderChange,
  WorkOrderDelivery,
} from '../../src/workflows/index.js';
import { Workflows } from '../../src/workflows/index.js';

const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const M1 = 'acme/zurich/machining/line1/cnc1';
const M2 = 'acme/zurich/machining/line1/cnc2';
const T0 = Date.parse('2026-03-02T08:00:00Z'); // a Monday
const H = 3_600_000;

const TAGS: TagRecord[] = [
  { key: 1, id: `${M1}/bearing/wear` },
  { key: 2, id: `${M2}/bearing/wear` },
  { key: 3, id: `${M1}/status/machine_state` },
].map(
  (t) =>
    ({
      ...t,
      assetPath: t.id.split('/').slice(0, 5).join('/'),
      name: 'x',
      dataType: 'Double',
      lineage: { source: 't', endpoint: 't', nodeId: 't' },
    }) as TagRecord,
);

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A Workflows engine on a fresh workflows.db with a controllable clock and recorded events and calls. */
async function engine(
  workflows: Record<string, unknown>,
  opts: { commands?: MachineCommands; delivery?: ActionDelivery & WorkOrderDelivery } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'gt-wf-'));
  dirs.push(dir);
  const cfg = validateConfig({ dataDir: dir, workflows }, { env: {} });
  const clock = { now: T0 };
  const events: HubEvent[] = [];
  const wf = new Workflows({
    config: cfg.workflows,
    storePath: join(dir, 'workflows.db'),
    timezone: 'Europe/Zurich',
    listTags: async () => TAGS,
    events: { emit: (e) => events.push(e) },
    log,
    now: () => clock.now,
    ...(opts.commands ? { commands: () => opts.commands } : {}),
    ...(opts.delivery ? { delivery: () => opts.delivery } : {}),
  });
  // Prime the tag index: the first batch only triggers the background refresh.
  wf.onBatch(batch([[1, T0 - 60_000, 0]]));
  await new Promise((r) => setTimeout(r, 20));
  const feed = (rows: [number, number, number][]) => {
    for (const r of rows) clock.now = Math.max(clock.now, r[1]);
    wf.onBatch(batch(rows));
  };
  const at = (t: number) => {
    clock.now = t;
    wf.tick();
  };
  return { wf, events, clock, feed, at, dir };
}

function batch(rows: [number, number, number][]): SampleBatch {
  const b = new SampleBatch(rows.length);
  for (const [key, ts, v] of rows) b.push(key, ts, ts, v, 0);
  return b;
}

const woAction = {
  kind: 'workOrder',
  failureMode: 'bearing_wear',
  title: 'Replace bearing of {{asset}}',
  requiredDowntime: '1h',
} as const;

function wearRule(extra: Partial<RuleInput['trigger']> = {}): RuleInput {
  return {
    id: 'bearing-wear',
    trigger: { kind: 'tag', tag: 'bearing/wear', above: 60, clear: 40, for: '10m', ...extra } as RuleInput['trigger'],
    actions: [woAction],
  };
}

const always = [{ every: '1h', length: '59m', offset: '0ms' }];

describe('rules: triggers with hysteresis and minimum duration', () => {
  it('tag condition: fires only after the value held above the threshold for `for`, once per episode', async () => {
    const { wf, feed, at } = await engine({ rules: [wearRule()], downtime: always });
    feed([[1, T0, 61]]);
    at(T0 + 5 * 60_000);
    assert.equal(wf.store.workOrders(10).length, 0, 'not yet: held 5 of 10 minutes');
    feed([[1, T0 + 6 * 60_000, 59]]); // dips below: the duration starts again
    feed([[1, T0 + 7 * 60_000, 62]]);
    at(T0 + 16 * 60_000);
    assert.equal(wf.store.workOrders(10).length, 0, 'the dip reset the duration');
    at(T0 + 17 * 60_000 + 1);
    const [wo] = wf.store.workOrders(10);
    assert.ok(wo, 'fired after 10 minutes above 60 (held value, no new sample: the tick steps it)');
    assert.equal(wo.asset, M1);
    assert.equal(wo.title, `Replace bearing of ${M1}`);
    assert.deepEqual(wo.evidence.values?.[0], { tagId: `${M1}/bearing/wear`, value: 62, ts: T0 + 7 * 60_000 });
    const fired = T0 + 17 * 60_000 + 1;
    assert.equal(
      wo.evidence.trendUrl,
      `/#/machine/${M1}?from=${fired - 2 * H}&to=${fired + 600_000}&tags=${encodeURIComponent(`${M1}/bearing/wear`)}`,
      'a link the machine page understands (epoch ms range, the triggering tag)',
    );
    // Hysteresis: falling to 50 (inside the band) and back up does not fire again.
    feed([[1, T0 + 20 * 60_000, 50]]);
    feed([[1, T0 + 21 * 60_000, 65]]);
    at(T0 + 40 * 60_000);
    assert.equal(
      wf.store.history(wo.id).filter((h) => h.kind === 'updated').length,
      0,
      'no second firing inside the band',
    );
    // Below 40 it re-arms; the next episode updates the open work order instead of opening another.
    feed([[1, T0 + 41 * 60_000, 30]]);
    feed([[1, T0 + 42 * 60_000, 70]]);
    at(T0 + 53 * 60_000);
    assert.equal(wf.store.workOrders(10).length, 1, 'one open work order per asset and failure mode');
    assert.equal(
      wf.store.history(wo.id).filter((h) => h.kind === 'updated').length,
      1,
      'updated by the repeated trigger',
    );
    // Another machine is another work order.
    feed([[2, T0 + 54 * 60_000, 80]]);
    at(T0 + 65 * 60_000);
    assert.equal(wf.store.workOrders(10).length, 2);
    wf.stop();
  });

  it('`below` with hysteresis: clears only above `clear`', async () => {
    const rule: RuleInput = {
      id: 'low',
      trigger: { kind: 'tag', tag: 'bearing/wear', below: 10, clear: 20, for: 0 },
      actions: [{ ...woAction, failureMode: 'low_value' }],
    };
    const { wf, feed, events } = await engine({ rules: [rule], downtime: always });
    feed([[1, T0, 5]]);
    feed([[1, T0 + 1000, 15]]);
    feed([[1, T0 + 2000, 5]]);
    assert.equal(events.filter((e) => e.kind === 'rule.fired').length, 1, '15 is inside the band: no re-arm');
    feed([[1, T0 + 3000, 25]]);
    feed([[1, T0 + 4000, 5]]);
    assert.equal(events.filter((e) => e.kind === 'rule.fired').length, 2, 'above 20 re-armed it');
    wf.stop();
  });

  it('machine state change: fires when the state enters `to` from `from` and stays `for`', async () => {
    const rule: RuleInput = {
      id: 'fault',
      trigger: { kind: 'state', to: [4], from: [0], for: '2m' },
      actions: [{ ...woAction, failureMode: 'fault', requiredDowntime: '30m' }],
    };
    const { wf, feed, at, events } = await engine({ rules: [rule], downtime: always });
    feed([[3, T0, 1]]);
    feed([[3, T0 + 1000, 4]]); // Idle → Fault: not from Running
    at(T0 + 10 * 60_000);
    assert.equal(events.filter((e) => e.kind === 'rule.fired').length, 0, 'entered from Idle, not Running');
    feed([[3, T0 + 11 * 60_000, 0]]);
    feed([[3, T0 + 12 * 60_000, 4]]); // Running → Fault
    at(T0 + 13 * 60_000);
    assert.equal(events.filter((e) => e.kind === 'rule.fired').length, 0, 'only 1 of 2 minutes');
    at(T0 + 14 * 60_000);
    assert.equal(events.filter((e) => e.kind === 'rule.fired').length, 1);
    wf.stop();
  });

  it('pdm event: `rul.below_horizon` of the named mode, held `for`, evidence and due date from the event', async () => {
    const rule: RuleInput = {
      id: 'rul',
      trigger: { kind: 'pdm', event: 'rul.below_horizon', mode: 'bearing', for: '5m' },
      actions: [woAction],
    };
    const { wf, at, clock } = await engine({ rules: [rule], downtime: always });
    const ev = (kind: string, ts: number, mode = 'bearing'): HubEvent => ({
      ts,
      kind,
      severity: 'warning',
      source: 'pdm',
      message: `${M1}: ${mode} RUL 20 h`,
      details: { machine: M1, mode, rulHours: 20, rulLowHours: 12, rulHighHours: 30, healthIndex: 40 },
    });
    clock.now = T0;
    wf.onEvent(ev('pdm.rul.below_horizon.opened', T0, 'tool'));
    at(T0 + 10 * 60_000);
    assert.equal(wf.store.workOrders(10).length, 0, 'other mode ignored');
    wf.onEvent(ev('pdm.rul.below_horizon.opened', T0 + 10 * 60_000));
    wf.onEvent(ev('pdm.rul.below_horizon.closed', T0 + 12 * 60_000));
    at(T0 + 20 * 60_000);
    assert.equal(wf.store.workOrders(10).length, 0, 'closed before 5 minutes');
    wf.onEvent(ev('pdm.rul.below_horizon.opened', T0 + 21 * 60_000));
    at(T0 + 26 * 60_000);
    const [wo] = wf.store.workOrders(10);
    assert.ok(wo);
    assert.equal(wo.evidence.rulHours, 20);
    assert.equal(wo.evidence.rulLowHours, 12);
    assert.equal(wo.dueBy, T0 + 26 * 60_000 + 12 * H, 'due at the pessimistic end of the RUL interval');
    wf.stop();
  });

  it('KPI threshold: polled every `every` over `window`, held `for`', async () => {
    const rule: RuleInput = {
      id: 'oee',
      assets: [M1],
      trigger: { kind: 'kpi', kpi: 'oee', below: 0.6, clear: 0.65, window: '1h', every: '1m', for: '3m' },
      actions: [{ ...woAction, failureMode: 'low_oee' }],
    };
    const dir = mkdtempSync(join(tmpdir(), 'gt-wf-'));
    dirs.push(dir);
    const cfg = validateConfig({ dataDir: dir, workflows: { rules: [rule], downtime: always } }, { env: {} });
    let oee = 0.5;
    const asked: string[] = [];
    const clock = { now: T0 };
    const events: HubEvent[] = [];
    const wf = new Workflows({
      config: cfg.workflows,
      storePath: join(dir, 'workflows.db'),
      timezone: 'UTC',
      listTags: async () => TAGS,
      kpi: {
        machines: async (scope = '') => [{ asset: M1 }, { asset: M2 }].filter((m) => m.asset.startsWith(scope)),
        summary: async (scope, from, to) => {
          asked.push(`${scope} ${(to - from) / H}h`);
          return { kpis: { oee } };
        },
      },
      events: { emit: (e) => events.push(e) },
      log,
      now: () => clock.now,
    });
    const tick = async (t: number) => {
      clock.now = t;
      wf.tick();
      await new Promise((r) => setTimeout(r, 5));
    };
    await tick(T0);
    await tick(T0 + 60_000);
    await tick(T0 + 2 * 60_000);
    assert.equal(events.filter((e) => e.kind === 'rule.fired').length, 0, '2 of 3 minutes');
    await tick(T0 + 3 * 60_000);
    assert.equal(events.filter((e) => e.kind === 'rule.fired').length, 1);
    assert.deepEqual(new Set(asked), new Set([`${M1} 1h`]), 'only the rule’s machine, over the window');
    oee = 0.62; // inside the band
    await tick(T0 + 4 * 60_000);
    oee = 0.5;
    await tick(T0 + 10 * 60_000);
    assert.equal(events.filter((e) => e.kind === 'rule.fired').length, 1, 'not re-armed inside the band');
    wf.stop();
  });

  it('schedule: fires once per period boundary', async () => {
    const rule: RuleInput = {
      id: 'weekly',
      assets: [M1],
      trigger: { kind: 'schedule', every: '1h' },
      actions: [{ ...woAction, failureMode: 'inspection' }],
    };
    const { wf, at, events } = await engine({ rules: [rule], downtime: always });
    at(T0 + 30 * 60_000);
    assert.equal(events.filter((e) => e.kind === 'rule.fired').length, 0);
    at(T0 + H);
    at(T0 + H + 1000);
    assert.equal(events.filter((e) => e.kind === 'rule.fired').length, 1);
    at(T0 + 2 * H + 5);
    assert.equal(events.filter((e) => e.kind === 'rule.fired').length, 2);
    assert.equal(wf.store.workOrders(10).length, 1, 'the second firing updated the open inspection');
    wf.stop();
  });

  it('reasons state durations as the rule wrote them (a 45 s schedule is "every 45s", not "every 1 min")', async () => {
    const rule: RuleInput = {
      id: 'short',
      assets: [M1],
      trigger: { kind: 'schedule', every: '45s' },
      actions: [{ ...woAction, failureMode: 'inspection' }],
    };
    const { wf, at, events } = await engine({ rules: [rule], downtime: always });
    at(T0 + 45_000 * 3);
    at(T0 + 45_000 * 3 + 1000);
    const fired = events.find((e) => e.kind === 'rule.fired');
    assert.match(fired?.message ?? '', /schedule \(every 45s\)/);
    assert.match(wf.store.workOrders(10)[0]?.reason ?? '', /every 45s/);
    for (const ms of [250, 1500, 45_000, 90_000, 3_600_000, 5_400_000, 86_400_000]) {
      assert.equal(parseDuration(formatDuration(ms)), ms, `${ms} ms round-trips as ${formatDuration(ms)}`);
    }
    assert.equal(formatDuration(90_000), '90s');
    assert.equal(formatDuration(5_400_000), '90m');
    wf.stop();
  });
});

describe('scheduling into planned-downtime windows', () => {
  const oneShot = (failureMode: string): RuleInput => ({
    id: failureMode.replace(/_/g, '-'),
    trigger: { kind: 'tag', tag: 'bearing/wear', above: 60, for: 0 },
    actions: [{ ...woAction, failureMode, requiredDowntime: '2h' }],
  });

  it('fits: the first window after now that is long enough, next to work already planned', async () => {
    const { wf, feed } = await engine({
      shiftCalendar: 'off',
      downtime: [
        { name: 'short', days: ['mon'], start: '10:00', end: '11:00' },
        { name: 'saturday', days: ['sat'], start: '06:00', end: '14:00' },
      ],
      rules: [oneShot('bearing_wear'), { ...oneShot('spindle_wear'), id: 'spindle' }],
    });
    feed([[1, T0, 70]]);
    const [a, b] = wf.store.workOrders(10).reverse();
    assert.ok(a && b);
    assert.equal(a.status, 'planned');
    // Monday 10:00–11:00 local is too short for 2 h; Saturday 06:00 local (CET, UTC+1) = 05:00 UTC.
    assert.equal(new Date(a.plannedStart!).toISOString(), '2026-03-07T05:00:00.000Z');
    assert.equal(a.plannedEnd! - a.plannedStart!, 2 * H);
    assert.equal(b.plannedStart, a.plannedEnd, 'the second job on the same machine follows the first');
    wf.stop();
  });

  it('does not fit before the predicted failure: escalated (priority raised, event, still open)', async () => {
    const rule: RuleInput = {
      id: 'rul',
      trigger: { kind: 'pdm', event: 'rul.below_horizon' },
      actions: [{ ...woAction, requiredDowntime: '2h', priority: 3 }],
    };
    const notified: OutboundAction[] = [];
    const delivery = {
      enqueue(item: OutboundAction | WorkOrderChange) {
        if (!('workOrder' in item)) notified.push(item);
      },
    } satisfies ActionDelivery & WorkOrderDelivery;
    const { wf, events } = await engine(
      {
        shiftCalendar: 'off',
        downtime: [{ name: 'saturday', days: ['sat'], start: '06:00', end: '14:00' }],
        rules: [rule],
        escalation: [
          {
            kind: 'email',
            connector: 'maint',
            to: ['lead@example.com'],
            subject: 'Escalated: {{workOrder.id}}',
            text: '{{message}}',
          },
        ],
      },
      { delivery },
    );
    wf.onEvent({
      ts: T0,
      kind: 'pdm.rul.below_horizon.opened',
      severity: 'warning',
      source: 'pdm',
      message: 'RUL 30 h',
      details: { machine: M1, mode: 'bearing', rulHours: 30, rulLowHours: 24, rulHighHours: 40 },
    });
    const [wo] = wf.store.workOrders(10);
    assert.ok(wo);
    assert.equal(wo.status, 'open');
    assert.equal(wo.escalated, true);
    assert.equal(wo.priority, 2, 'priority raised from 3 to 2');
    const esc = events.find((e) => e.kind === 'workorder.escalated');
    assert.ok(esc, 'escalation announced');
    assert.match(esc.message, /no planned-downtime window before the predicted failure/);
    assert.equal(notified.length, 1, 'one escalation notification through delivery');
    const mail = notified[0] as Extract<OutboundAction, { kind: 'notify.email' }>;
    assert.equal(mail.subject, `Escalated: ${wo.id}`);
    assert.match(mail.text, /cannot be planned: no planned-downtime window before the predicted failure$/);
    // A downtime window entered through the production schedule makes it plannable.
    const p = { kind: 'user', name: 'planner', role: 'engineer', scope: [] } as const;
    wf.addScheduleEntry({ kind: 'downtime', name: 'extra stop', start: T0 + 4 * H, end: T0 + 7 * H, assets: [M1] }, p);
    const planned = wf.workOrders.get(wo.id)!;
    assert.equal(planned.status, 'planned');
    assert.equal(planned.plannedStart, T0 + 4 * H);
    // A production run over it cuts the window: a second machine's job no longer fits there.
    wf.addScheduleEntry({ kind: 'production', name: 'rush order', start: T0 + 5 * H, end: T0 + 6 * H, assets: [] }, p);
    const cal = wf.calendar(M2, T0, T0 + 24 * H);
    assert.deepEqual(
      cal.windows.map((w) => [w.start - T0, w.end - T0]),
      [],
      'the extra stop is only for cnc1',
    );
    const cal1 = wf.calendar(M1, T0, T0 + 24 * H);
    assert.deepEqual(
      cal1.windows.map((w) => [(w.start - T0) / H, (w.end - T0) / H]),
      [
        [4, 5],
        [6, 7],
      ],
    );
    wf.stop();
  });

  it('shift calendar breaks and off-shift time are downtime windows when `shiftCalendar: breaks`', async () => {
    const { wf } = await engine({ rules: [] });
    const dir = mkdtempSync(join(tmpdir(), 'gt-wf-'));
    dirs.push(dir);
    const cfg = validateConfig({ dataDir: dir }, { env: {} });
    const wf2 = new Workflows({
      config: cfg.workflows,
      storePath: join(dir, 'workflows.db'),
      timezone: 'UTC',
      shifts: [
        {
          name: 'day',
          start: '06:00',
          end: '14:00',
          days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
          breaks: [{ name: 'meal', start: '10:00', end: '10:30' }],
        },
      ],
      listTags: async () => [],
      events: { emit: () => undefined },
      log,
    });
    const day = Date.parse('2026-03-02T00:00:00Z');
    const w = wf2
      .calendar(M1, day, day + 24 * H)
      .windows.map((x) => [(x.start - day) / H, (x.end - day) / H, x.names.join()]);
    assert.deepEqual(w, [
      [0, 6, 'off-shift'],
      [10, 10.5, 'break'],
      [14, 24, 'off-shift'],
    ]);
    wf.stop();
    wf2.stop();
  });
});

describe('work orders: status, completion call, rule versions', () => {
  it('moves through its states; done calls onComplete through the guarded path; bad moves are refused', async () => {
    const calls: MachineCallRequest[] = [];
    const commands: MachineCommands = {
      write: async () => ({ ok: false, statusCode: 'BadNotWritable', message: 'n/a' }),
      call: async (r) => {
        calls.push(r);
        return { ok: true, statusCode: 'Good', message: '' };
      },
    };
    const rule: RuleInput = {
      ...wearRule({ for: 0 }),
      actions: [{ ...woAction, requiredDowntime: '30m', onComplete: { method: 'ResetWear' } }],
    };
    const { wf, feed, events } = await engine({ rules: [rule], downtime: always }, { commands });
    feed([[1, T0, 70]]);
    const [wo] = wf.store.workOrders(10);
    assert.ok(wo && wo.status === 'planned');
    const op = { kind: 'user', name: 'olga', role: 'operator', scope: [] } as const;
    await wf.workOrders.setStatus(wo.id, 'in_progress', op);
    await wf.workOrders.setStatus(wo.id, 'done', op, 'bearing replaced');
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.asset, M1);
    assert.equal(calls[0]!.method, 'ResetWear');
    assert.equal(calls[0]!.principal.name, 'rule:bearing-wear');
    assert.ok(events.some((e) => e.kind === 'workorder.completion.called'));
    await assert.rejects(
      wf.workOrders.setStatus(wo.id, 'open', op),
      /is done; it can go to nothing \(final\), not open/,
    );
    const kinds = wf.store.history(wo.id).map((h) => `${h.kind}:${h.status}`);
    assert.deepEqual(kinds.slice(0, 4), ['created:open', 'planned:planned', 'status:in_progress', 'status:done']);
    // After done, a new trigger opens a new work order.
    feed([[1, T0 + 1000, 10]]);
    feed([[1, T0 + 2000, 80]]);
    assert.equal(wf.store.workOrders(10).length, 2);
    wf.stop();
  });

  it('rules edited through the API are validated by the YAML schema and versioned; config changes win', async () => {
    const { wf, dir } = await engine({ rules: [wearRule()] });
    const eng = { kind: 'user', name: 'erik', role: 'engineer', scope: [] } as const;
    assert.throws(
      () => wf.putRule({ id: 'x', trigger: { kind: 'tag', tag: 'a', above: 1, below: 2 }, actions: [] }, eng),
      /invalid rule: trigger\.above: give exactly one of `above` or `below`; actions: /,
    );
    const r = wf.putRule({ ...wearRule(), trigger: { kind: 'tag', tag: 'bearing/wear', above: 70 } }, eng);
    assert.equal(r.version, 2);
    assert.deepEqual(
      wf.ruleVersions('bearing-wear').map((v) => `${v.version}:${v.source}:${v.actor}`),
      ['2:api:user:erik', '1:config:config'],
    );
    wf.stop();
    // Restart with the same config: the API edit stays. With a changed config: the config wins.
    const reopen = (rules: RuleInput[]) =>
      new Workflows({
        config: validateConfig({ dataDir: dir, workflows: { rules } }, { env: {} }).workflows,
        storePath: join(dir, 'workflows.db'),
        timezone: 'UTC',
        listTags: async () => [],
        events: { emit: () => undefined },
        log,
      });
    const same = reopen([wearRule()]);
    assert.equal((same.rule('bearing-wear').rule.trigger as { above: number }).above, 70);
    same.stop();
    const changed = reopen([wearRule({ above: 65 })]);
    assert.equal((changed.rule('bearing-wear').rule.trigger as { above: number }).above, 65);
    assert.equal(changed.rule('bearing-wear').version, 3);
    changed.stop();
  });
});
