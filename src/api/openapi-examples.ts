/**
 * Request and response examples of the main operations, by operationId (applied in openapi.ts).
 * Spectral's `oas3-valid-media-example` rule (test/api/openapi.test.ts) checks each against its
 * schema, so an example cannot drift from the contract without failing the test.
 */
export interface OperationExample {
  /** Query or path parameter examples by name. */
  parameters?: Record<string, unknown>;
  requestBody?: unknown;
  /** Status of the reply the example is for (default 200). */
  status?: string;
  response?: unknown;
}

const CNC1 = 'acme/zurich/machining/line1/cnc1';
const SPEED = `${CNC1}/spindle/speed`;
const lineage = {
  source: 'plant',
  endpoint: 'opc.tcp://plc-line1:4840',
  nodeId: 'nsu=urn:gotthard:demo-plant;s=Machining.Line1.CNC1.Spindle.Speed',
  browsePath: '/Objects/Machining/Line1/CNC1/Spindle/Speed',
};
const speedTag = {
  id: SPEED,
  assetPath: CNC1,
  name: 'Speed',
  description: 'Spindle speed',
  dataType: 'Double',
  unit: 'rpm',
  euRange: { low: 0, high: 24000 },
  lineage,
};
const kpis = {
  availability: 0.91,
  effectiveness: 0.87,
  quality: 0.98,
  oee: 0.776,
  scrapRatio: 0.02,
  setupRatio: 0.04,
  technicalEfficiency: 0.93,
  mtbfMs: 5_400_000,
  mttrMs: 420_000,
  throughputPerHour: 41.5,
  pq: 290,
  gq: 284,
  sq: 6,
  kwh: 61.2,
  kwhPerGoodPart: 0.2155,
  idleKwh: 4.1,
  idleShare: 0.067,
  energyCost: 12.24,
  co2eKg: 7.9,
  peakDemandKw: 14.2,
  peakDemandAt: '2026-11-25T09:41:00.000Z',
  unknownShare: 0,
  flags: [],
};
const figure = {
  elements: {
    potMs: 28_800_000,
    pdotMs: 1_800_000,
    pbtMs: 27_000_000,
    aptMs: 24_570_000,
    adotMs: 1_890_000,
    gq: 284,
    sq: 6,
  },
  kpis,
  waterfall: [
    { key: 'pbt', label: 'Planned busy time', kind: 'total', ms: 27_000_000 },
    { key: 'downtime', label: 'Unplanned downtime', kind: 'loss', ms: 2_430_000 },
    { key: 'fpt', label: 'Fully productive time', kind: 'total', ms: 20_950_000 },
  ],
};

export const OPERATION_EXAMPLES: Record<string, OperationExample> = {
  login: {
    requestBody: { name: 'mes-integration', password: 'correct horse battery staple' },
    response: {
      principal: { kind: 'user', name: 'mes-integration', role: 'viewer', scope: [] },
      csrf: 'q3b1T0cE8m0pXy2kR8u3Qw',
    },
  },
  createToken: {
    requestBody: { name: 'mes-reader', role: 'viewer', scope: ['acme/zurich/machining'], expiresIn: '90d' },
  },
  listTags: {
    parameters: { q: 'spindle', asset: CNC1, limit: 100, offset: 0 },
    response: { total: 1, tags: [speedTag] },
  },
  getTag: { parameters: { tagId: SPEED }, response: speedTag },
  getLatestValues: {
    parameters: { tag: SPEED },
    response: {
      values: [
        {
          tagId: SPEED,
          unit: 'rpm',
          ts: '2026-11-25T08:00:01.250Z',
          serverTs: '2026-11-25T08:00:01.262Z',
          value: 11980.5,
          statusCode: 0,
          status: 'Good',
        },
      ],
    },
  },
  getRawHistory: {
    parameters: { tag: SPEED, from: '2026-11-25T08:00:00Z', to: '2026-11-25T09:00:00Z', limit: 2 },
    response: {
      tagId: SPEED,
      unit: 'rpm',
      samples: [
        {
          ts: '2026-11-25T08:00:00.250Z',
          serverTs: '2026-11-25T08:00:00.262Z',
          value: 11990,
          statusCode: 0,
          status: 'Good',
        },
        {
          ts: '2026-11-25T08:00:01.250Z',
          serverTs: '2026-11-25T08:00:01.262Z',
          value: null,
          statusCode: 2158690304,
          status: 'BadNoCommunication',
        },
      ],
      next: 'MTc2NDA1NzYwMTI1MHwx',
    },
  },
  getTrend: {
    parameters: { tag: SPEED, from: 'now-15m', to: 'now', maxPoints: 2000 },
    response: {
      from: 1764057600000,
      to: 1764058500000,
      bucketMs: 450,
      series: [
        {
          tagId: SPEED,
          name: 'Speed',
          unit: 'rpm',
          dataType: 'Double',
          interpolation: 'linear',
          t: [1764057600000, 1764057600450, 1764057600900],
          v: [11990, 12004.5, null],
        },
      ],
    },
  },
  getKpiSummary: {
    parameters: { asset: 'acme/zurich/machining/line1', shift: 'current' },
    response: {
      scope: 'acme/zurich/machining/line1',
      from: '2026-11-25T05:00:00.000Z',
      to: '2026-11-25T13:00:00.000Z',
      shift: '2026-11-25/early',
      timezone: 'Europe/Zurich',
      timeScale: 1,
      ...figure,
      machines: [{ asset: CNC1, role: 'production', ...figure }],
    },
  },
  getKpiSeries: { parameters: { asset: CNC1, period: 'shift', from: 'now-7d', to: 'now' } },
};
