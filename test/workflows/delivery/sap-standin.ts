import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A small HTTP server standing in for SAP's OData V2 service API_MAINTNOTIFICATION, behaving like
 * it where the adapter depends on it: basic auth, the x-csrf-token handshake bound to a session
 * cookie (403 `x-csrf-token: Required` otherwise), its own notification numbers, ETags with
 * If-Match (412 on a stale one, 428 without), $filter on MaintNotifExtReferenceNumber, the
 * CompleteMaintNotif / PutMaintNotifInProcess function imports, and OData error bodies.
 * Faults can be queued per request: a 500 before processing, a connection reset after processing,
 * or processing followed by silence (the client times out).
 */
export type Fault = 'error-500' | 'reset-after' | 'hang-after' | 'reset-before';

export interface StoredNotification {
  MaintenanceNotification: string;
  NotificationText: string;
  NotificationType: string;
  MaintPriority: string;
  TechnicalObject: string;
  TechObjIsEquipOrFuncnlLoc: string;
  MaintNotifExtReferenceNumber: string;
  MaintNotifLongTextForEdit: string;
  MaintenancePlanningPlant: string;
  RequiredStartDate: string | null;
  RequiredEndDate: string | null;
  NotifProcessingPhase: string;
  version: number;
}

export const SERVICE_PATH = '/sap/opu/odata/sap/API_MAINTNOTIFICATION';
export const ORDER_SERVICE_PATH = '/sap/opu/odata/sap/API_MAINTENANCEORDER';

export interface StoredOrder {
  MaintenanceOrder: string;
  MaintenanceOrderType: string;
  MaintenanceOrderDesc: string;
  MaintenanceNotification: string;
  MaintPriority: string;
  MaintenancePlanningPlant: string;
  MainWorkCenter: string;
  MaintOrdBasicStartDate: string | null;
  MaintOrdBasicEndDate: string | null;
  version: number;
}

export class SapStandIn {
  readonly notifications = new Map<string, StoredNotification>();
  readonly orders = new Map<string, StoredOrder>();
  private nextOrder = 4_000_000;
  /** Counts of processed (committed) operations. */
  readonly processed = {
    orderCreates: 0,
    orderPatches: 0,
    creates: 0,
    patches: 0,
    phaseChanges: 0,
    csrfFetches: 0,
    lookups: 0,
    preconditionFailed: 0,
  };
  readonly requests: string[] = [];
  /** While true every request gets 503 (the ERP is down for maintenance). */
  down = false;
  /** Someone edits the next entity read right after it was read, so the reader's ETag goes stale. */
  editAfterNextRead = false;
  private readonly faults: { match: (method: string, path: string) => boolean; fault: Fault }[] = [];
  private readonly sessions = new Map<string, string>();
  private readonly sockets = new Set<Socket>();
  private next = 10_000_000;
  private server: Server | undefined;
  port = 0;

  constructor(
    private readonly user = 'GOTTHARD',
    private readonly password = 'secret',
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}${SERVICE_PATH}`;
  }

  get orderUrl(): string {
    return `http://127.0.0.1:${this.port}${ORDER_SERVICE_PATH}`;
  }

  /** The next request matching gets `fault`. */
  inject(fault: Fault, method: string, pathIncludes: string): void {
    this.faults.push({ match: (m, p) => m === method && p.includes(pathIncludes), fault });
  }

  /** Expires every CSRF token (as after a session timeout). */
  expireTokens(): void {
    this.sessions.clear();
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
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

  byReference(ref: string): StoredNotification[] {
    return [...this.notifications.values()].filter((n) => n.MaintNotifExtReferenceNumber === ref);
  }

  private etag(n: StoredNotification): string {
    return `W/"datetimeoffset'2026-11-25T20%3A00%3A${String(n.version).padStart(2, '0')}.0000000Z'"`;
  }

  private entity(n: StoredNotification): Record<string, unknown> {
    const { version: _v, ...fields } = n;
    return {
      __metadata: {
        id: `${this.url}/MaintenanceNotification('${n.MaintenanceNotification}')`,
        type: 'API_MAINTNOTIFICATION.MaintenanceNotificationType',
        etag: this.etag(n),
      },
      ...fields,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://x');
    const orderService = url.pathname.startsWith(ORDER_SERVICE_PATH);
    const root = orderService ? ORDER_SERVICE_PATH : SERVICE_PATH;
    const path = decodeURIComponent(url.pathname.slice(root.length).replace(/^\//, ''));
    this.requests.push(`${method} ${path}${url.search}`);
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      send(status, { error: { code, message: { lang: 'en', value: message } } }, headers);

    if (!url.pathname.startsWith(SERVICE_PATH) && !orderService)
      return error(404, '/IWFND/MED/170', 'No service found');
    const auth = req.headers.authorization ?? '';
    if (auth !== `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`) {
      return send(401, undefined, { 'www-authenticate': 'Basic realm="SAP NetWeaver Application Server"' });
    }
    if (this.down) return error(503, 'SY/530', 'Service unavailable: system maintenance');

    const faultIdx = this.faults.findIndex((f) => f.match(method, path));
    const fault = faultIdx >= 0 ? this.faults.splice(faultIdx, 1)[0]?.fault : undefined;
    if (fault === 'error-500') return error(500, 'SY/530', 'Internal error (injected, nothing processed)');
    if (fault === 'reset-before') {
      req.socket.destroy();
      return;
    }

    // CSRF: modifying requests need the token of their session cookie.
    const cookie = /SAP_SESSIONID=([a-f0-9]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (method === 'GET' && req.headers['x-csrf-token'] === 'Fetch') {
      const sid = cookie && this.sessions.has(cookie) ? cookie : randomBytes(8).toString('hex');
      const token = randomBytes(12).toString('base64url');
      this.sessions.set(sid, token);
      this.processed.csrfFetches++;
      return send(
        200,
        { d: { EntitySets: ['MaintenanceNotification'] } },
        {
          'x-csrf-token': token,
          'set-cookie': `SAP_SESSIONID=${sid}; path=/; HttpOnly`,
        },
      );
    }
    if (method !== 'GET') {
      const token = req.headers['x-csrf-token'];
      if (!cookie || !token || this.sessions.get(cookie) !== token) {
        return error(403, '/IWFND/CM_BEC/026', 'CSRF token validation failed', { 'x-csrf-token': 'Required' });
      }
    }

    const after = (fn: () => void) => {
      fn();
      if (fault === 'reset-after') req.socket.destroy();
      // 'hang-after': processed, never answered; the client times out.
    };

    if (orderService) {
      const oetag = (o: StoredOrder) => `W/"order-${o.MaintenanceOrder}-${o.version}"`;
      const oentity = (o: StoredOrder) => {
        const { version: _v, ...fields } = o;
        return { __metadata: { etag: oetag(o) }, ...fields };
      };
      const key = /^MaintenanceOrder\('([^']+)'\)$/.exec(path);
      if (method === 'POST' && path === 'MaintenanceOrder') {
        const f = JSON.parse(body) as Partial<StoredOrder>;
        if (!f.MaintenanceOrderType) return error(400, 'IWBEP/CM_MGW_RT/022', 'MaintenanceOrderType is required');
        if (f.MaintenanceNotification && !this.notifications.has(f.MaintenanceNotification)) {
          return error(400, 'IW/CM_ORDER/010', `Notification ${f.MaintenanceNotification} does not exist`);
        }
        const o: StoredOrder = {
          MaintenanceOrder: String(this.nextOrder++),
          MaintenanceOrderType: f.MaintenanceOrderType,
          MaintenanceOrderDesc: f.MaintenanceOrderDesc ?? '',
          MaintenanceNotification: f.MaintenanceNotification ?? '',
          MaintPriority: f.MaintPriority ?? '',
          MaintenancePlanningPlant: f.MaintenancePlanningPlant ?? '',
          MainWorkCenter: f.MainWorkCenter ?? '',
          MaintOrdBasicStartDate: f.MaintOrdBasicStartDate ?? null,
          MaintOrdBasicEndDate: f.MaintOrdBasicEndDate ?? null,
          version: 1,
        };
        return after(() => {
          this.orders.set(o.MaintenanceOrder, o);
          this.processed.orderCreates++;
          if (fault !== 'reset-after' && fault !== 'hang-after') send(201, { d: oentity(o) }, { etag: oetag(o) });
        });
      }
      if (method === 'GET' && path === 'MaintenanceOrder') {
        const m = /^MaintenanceNotification eq '([^']*)'$/.exec(url.searchParams.get('$filter') ?? '');
        if (!m) return error(400, 'IWBEP/CM_MGW_RT/004', 'unsupported $filter');
        const rows = [...this.orders.values()].filter((o) => o.MaintenanceNotification === m[1]);
        return send(200, { d: { results: rows.map(oentity) } });
      }
      const o = key ? this.orders.get(key[1] as string) : undefined;
      if (!o) return error(404, 'IWBEP/CM_MGW_RT/020', 'Resource not found for segment MaintenanceOrder');
      if (method === 'GET') return send(200, { d: oentity(o) }, { etag: oetag(o) });
      if (method === 'PATCH') {
        if (req.headers['if-match'] !== oetag(o))
          return error(412, 'IWBEP/CM_MGW_RT/022', 'Precondition failed (ETag)');
        return after(() => {
          Object.assign(o, JSON.parse(body) as Partial<StoredOrder>);
          o.version++;
          this.processed.orderPatches++;
          if (fault !== 'reset-after' && fault !== 'hang-after') send(204, undefined, { etag: oetag(o) });
        });
      }
      return error(405, 'IWBEP/CM_MGW_RT/005', `Method ${method} not allowed on ${path}`);
    }

    const keyMatch = /^MaintenanceNotification\('([^']+)'\)$/.exec(path);
    if (method === 'POST' && path === 'MaintenanceNotification') {
      const f = JSON.parse(body) as Partial<StoredNotification>;
      if (!f.NotificationText) return error(400, 'IWBEP/CM_MGW_RT/022', 'NotificationText is required');
      if ((f.NotificationText ?? '').length > 40) return error(400, 'IWBEP/CM_MGW_RT/022', 'NotificationText too long');
      const n: StoredNotification = {
        MaintenanceNotification: String(this.next++),
        NotificationText: f.NotificationText,
        NotificationType: f.NotificationType ?? 'M2',
        MaintPriority: f.MaintPriority ?? '',
        TechnicalObject: f.TechnicalObject ?? '',
        TechObjIsEquipOrFuncnlLoc: f.TechObjIsEquipOrFuncnlLoc ?? '',
        MaintNotifExtReferenceNumber: f.MaintNotifExtReferenceNumber ?? '',
        MaintNotifLongTextForEdit: f.MaintNotifLongTextForEdit ?? '',
        MaintenancePlanningPlant: f.MaintenancePlanningPlant ?? '',
        RequiredStartDate: f.RequiredStartDate ?? null,
        RequiredEndDate: f.RequiredEndDate ?? null,
        NotifProcessingPhase: '1',
        version: 1,
      };
      return after(() => {
        this.notifications.set(n.MaintenanceNotification, n);
        this.processed.creates++;
        if (fault !== 'reset-after' && fault !== 'hang-after') {
          send(201, { d: this.entity(n) }, { etag: this.etag(n) });
        }
      });
    }
    if (method === 'GET' && path === 'MaintenanceNotification') {
      this.processed.lookups++;
      const filter = url.searchParams.get('$filter') ?? '';
      const m = /^MaintNotifExtReferenceNumber eq '((?:[^']|'')*)'$/.exec(filter);
      if (!m) return error(400, 'IWBEP/CM_MGW_RT/004', `unsupported $filter ${filter}`);
      const ref = (m[1] as string).replace(/''/g, "'");
      return send(200, { d: { results: this.byReference(ref).map((n) => this.entity(n)) } });
    }
    if (keyMatch) {
      const n = this.notifications.get(keyMatch[1] as string);
      if (!n) return error(404, 'IWBEP/CM_MGW_RT/020', `Resource not found for segment MaintenanceNotification`);
      if (method === 'GET') {
        send(200, { d: this.entity(n) }, { etag: this.etag(n) });
        if (this.editAfterNextRead) {
          this.editAfterNextRead = false;
          n.MaintenancePlanningPlant = 'EDIT';
          n.version++;
        }
        return;
      }
      if (method === 'PATCH' || method === 'MERGE') {
        const ifMatch = req.headers['if-match'];
        if (!ifMatch) return error(428, 'IWBEP/CM_MGW_RT/025', 'If-Match header required');
        if (ifMatch !== this.etag(n)) {
          this.processed.preconditionFailed++;
          return error(412, 'IWBEP/CM_MGW_RT/022', 'Precondition failed (ETag)');
        }
        const f = JSON.parse(body) as Record<string, unknown>;
        for (const k of Object.keys(f)) {
          if (
            ![
              'NotificationText',
              'MaintPriority',
              'RequiredStartDate',
              'RequiredEndDate',
              'MaintNotifLongTextForEdit',
            ].includes(k)
          ) {
            return error(400, 'IWBEP/CM_MGW_RT/022', `Property ${k} is not updatable`);
          }
        }
        return after(() => {
          Object.assign(n, f);
          n.version++;
          this.processed.patches++;
          if (fault !== 'reset-after' && fault !== 'hang-after') send(204, undefined, { etag: this.etag(n) });
        });
      }
    }
    const fn = /^(CompleteMaintNotif|PutMaintNotifInProcess)$/.exec(path);
    if (method === 'POST' && fn) {
      const num = /^'([^']+)'$/.exec(url.searchParams.get('MaintenanceNotification') ?? '')?.[1];
      const n = num ? this.notifications.get(num) : undefined;
      if (!n) return error(404, 'IWBEP/CM_MGW_RT/020', 'Notification not found');
      const ifMatch = req.headers['if-match'];
      if (ifMatch !== this.etag(n)) return error(412, 'IWBEP/CM_MGW_RT/022', 'Precondition failed (ETag)');
      const phase = fn[1] === 'CompleteMaintNotif' ? '4' : '3';
      if (n.NotifProcessingPhase === phase || n.NotifProcessingPhase === '4') {
        return error(
          400,
          'IW/CM_NOTIF/012',
          `Notification ${n.MaintenanceNotification} is already in phase ${n.NotifProcessingPhase}`,
        );
      }
      return after(() => {
        n.NotifProcessingPhase = phase;
        n.version++;
        this.processed.phaseChanges++;
        if (fault !== 'reset-after' && fault !== 'hang-after') send(200, { d: this.entity(n) }, { etag: this.etag(n) });
      });
    }
    return error(405, 'IWBEP/CM_MGW_RT/005', `Method ${method} not allowed on ${path}`);
  }
}
