import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kpiConfigSchema } from '../../../src/analytics/kpi/config.js';
import { KpiService } from '../../../src/analytics/kpi/service.js';
import { WorkflowStore } from '../../../src/workflows/store.js';
import type { WorkOrder } from '../../../src/workflows/types.js';
import { close, type Fixture, fixture, HOUR, log, MIN } from './helpers.js';

/** A work order's planned window is planned downtime (PDOT), read from the workflows' real store. */
const M = 'acme/zurich/machining/line1/cnc1';
const DAY0 = Date.UTC(2026, 0, 13); // a Tuesday
const at = (h: number, m = 0) => DAY0 + h * HOUR + m * MIN;
const KPI = { shifts: [{ name: 'early', start: '06:00', end: '14:00' }], energy: { tariff: [] } };

describe('maintenance is planned downtime', () => {
  let f: Fixture;
  let store: WorkflowStore;
  let kpi: KpiService;
  before(async () => {
    f = await fixture([M], KPI as never);
    store = new WorkflowStore(join(mkdtempSync(join(tmpdir(), 'gt-kpi-wo-')), 'workflows.db'));
    const wo = (status: WorkOrder['status'], from: number, to: number): Omit<WorkOrder, 'id'> => ({
      asset: M,
      failureMode: `mode-${status}`,
      title: 'Replace the spindle bearing',
      reason: 'test',
      evidence: {} as WorkOrder['evidence'],
      priority: 3,
      requiredDowntimeMin: (to - from) / MIN,
      status,
      plannedStart: from,
      plannedEnd: to,
      escalated: false,
      externalIds: {},
      createdAt: DAY0,
      updatedAt: DAY0,
      revision: 1,
    });
    const change = { ts: DAY0, kind: 'created' as const, actor: 'test' };
    // Done 09:00–10:00 (the machine stopped for it), cancelled 11:00–12:00 (the machine failed then).
    store.createWorkOrder(wo('done', at(9), at(10)), {} as never, change);
    store.createWorkOrder(wo('cancelled', at(11), at(12)), {} as never, change);
    kpi = new KpiService({
      historian: f.historian,
      config: kpiConfigSchema.parse(KPI),
      sites: [{ id: 'zurich', timezone: 'UTC' }],
      storePath: join(f.dir, 'kpi-wo.db'),
      logger: log,
      now: () => Date.UTC(2030, 0, 1),
      maintenance: () => (asset, from, to) => store.maintenanceWindows(asset, from, to),
    });
    await f.write(M, [
      ['status/machine_state', at(6), 0],
      ['status/machine_state', at(9), 5], // repair state while the crew works
      ['status/machine_state', at(10), 0],
      ['status/machine_state', at(11), 4], // an unplanned failure
      ['status/machine_state', at(12), 0],
    ]);
  });
  after(async () => {
    await kpi.stop();
    store.close();
    await f.close();
  });

  it('counts a planned, running or done work order’s window as PDOT, not as a loss; a cancelled one not', async () => {
    assert.deepEqual(
      store.maintenanceWindows(M, at(0), at(24)).map((w) => [w.status, (w.from - DAY0) / HOUR, (w.to - DAY0) / HOUR]),
      [['done', 9, 10]],
    );
    const s = await kpi.summary(M, at(6), at(14));
    assert.equal(s.elements.pdotMs, HOUR);
    assert.equal(s.elements.maintenanceMs, HOUR);
    assert.equal(s.elements.pbtMs, 7 * HOUR);
    assert.equal(s.elements.adotMs, HOUR, 'the failure 11:00–12:00 stays a loss');
    assert.ok(close(s.kpis.availability, 6 / 7));
    const stops = await kpi.stops(M, at(6), at(14));
    assert.deepEqual(
      stops.map((x) => [x.state, x.lostMs / MIN]),
      [
        ['repair', 0],
        ['failure', 60],
      ],
    );
    // Without the work orders the same shift loses the job's hour.
    const plain = await f.service.summary(M, at(6), at(14));
    assert.equal(plain.elements.pdotMs, 0);
    assert.ok(close(plain.kpis.availability, 6 / 8));
  });
});
