import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import pino from 'pino';
import type { Clock } from '../../../src/workflows/delivery/index.js';
import {
  type ConnectorsConfigInput,
  connectorsSchema,
  verifySignature,
} from '../../../src/workflows/delivery/index.js';
import type { WorkOrder, WorkOrderChange, WorkOrderStatus, WorkOrderStatusSink } from '../../../src/workflows/types.js';

export const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

/** A clock the test moves by hand; timers fire as it passes them. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  constructor(public t = Date.UTC(2026, 10, 25, 8, 0, 0)) {}
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    if (ms <= 0) setImmediate(() => this.fire());
    return () => {
      timer.live = false;
    };
  }
  advance(ms: number): void {
    this.t += ms;
    this.fire();
  }
  private fire(): void {
    const due = this.timers.filter((x) => x.live && x.at <= this.t);
    this.timers = this.timers.filter((x) => x.live && x.at > this.t);
    for (const x of due) x.fn();
  }
}

export function connectors(input: ConnectorsConfigInput) {
  return connectorsSchema.parse(input);
}

export function workOrder(id: string, patch: Partial<WorkOrder> = {}): WorkOrder {
  return {
    id,
    asset: 'acme/zurich/machining/line1/cnc1',
    failureMode: 'bearing_wear',
    title: 'Spindle bearing worn: replace',
    reason: 'RUL below 72 h',
    evidence: {
      values: [
        {
          tagId: 'acme/zurich/machining/line1/cnc1/bearing/vibration_rms',
          value: 7.4,
          unit: 'mm/s',
          ts: Date.UTC(2026, 10, 25, 7),
        },
      ],
      rulHours: 40,
      rulLowHours: 30,
      rulHighHours: 55,
    },
    priority: 2,
    requiredDowntimeMin: 90,
    status: 'open',
    escalated: false,
    externalIds: {},
    createdAt: Date.UTC(2026, 10, 25, 7),
    updatedAt: Date.UTC(2026, 10, 25, 7),
    revision: 1,
    ...patch,
  };
}

export function change(kind: WorkOrderChange['kind'], wo: WorkOrder, actor = 'rule:bearing'): WorkOrderChange {
  return { kind, workOrder: wo, actor, ts: wo.updatedAt };
}

/** The work-order store as delivery sees it (WorkOrderStatusSink), over a map. */
export class MapStatusSink implements WorkOrderStatusSink {
  readonly orders = new Map<string, WorkOrder>();
  readonly applied: { connector: string; id: string; status: WorkOrderStatus; note?: string }[] = [];
  applyExternalStatus(
    connector: string,
    ref: { workOrderId?: string; externalId?: string },
    status: WorkOrderStatus,
    note?: string,
  ): WorkOrder {
    const wo =
      (ref.workOrderId ? this.orders.get(ref.workOrderId) : undefined) ??
      [...this.orders.values()].find(
        (w) => ref.externalId !== undefined && w.externalIds[connector] === ref.externalId,
      );
    if (!wo) throw new Error(`no work order for ${JSON.stringify(ref)}`);
    const next = { ...wo, status, revision: wo.revision + 1 };
    this.orders.set(wo.id, next);
    this.applied.push({ connector, id: wo.id, status, ...(note ? { note } : {}) });
    return next;
  }
  setExternalId(workOrderId: string, connector: string, externalId: string): void {
    const wo = this.orders.get(workOrderId);
    if (wo) this.orders.set(workOrderId, { ...wo, externalIds: { ...wo.externalIds, [connector]: externalId } });
  }
}

export interface Received {
  key: string;
  /** Wall-clock time the request body was read. */
  at: number;
  body: string;
  signatureOk: boolean;
}

/**
 * A webhook receiver: records every request (key, body, signature check) and answers according to
 * `plan` (a queue of behaviours for the next requests; default 200).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  plan: ('ok' | 'error-500' | 'reset-after' | 'hang' | 'reset-before')[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly secret: string) {}
  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/gotthard`;
  }
  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const step = this.plan.shift() ?? 'ok';
        if (step === 'reset-before') {
          req.socket.destroy();
          return;
        }
        if (step === 'error-500') {
          res.writeHead(500).end('busy');
          return;
        }
        const sig = req.headers['x-gotthard-signature'];
        this.received.push({
          key: String(req.headers['idempotency-key'] ?? ''),
          at: Date.now(),
          body,
          signatureOk: verifySignature(
            this.secret,
            body,
            typeof sig === 'string' ? sig : undefined,
            Date.now(),
            300_000,
          ).ok,
        });
        if (step === 'reset-after') req.socket.destroy();
        else if (step === 'hang') return;
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      })();
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
  }
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
  /** Changes as a receiver that remembers idempotency keys applies them. */
  uniqueKeys(): string[] {
    return [...new Set(this.received.map((r) => r.key))];
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
