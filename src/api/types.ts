import type { KpiService } from '../analytics/kpi/index.js';
import type { PdmView } from '../analytics/pdm/index.js';
import type { Historian, HistorianStats } from '../historian/types.js';
import type { AssetNode } from '../model/assets.js';
import type { Pipeline } from '../pipeline/index.js';
import type { SinkHealth } from '../pipeline/outbox/index.js';
import type { SourceHealth } from '../pipeline/types.js';
import type { HubPki } from '../pki/index.js';
import type { GovernanceView, OwnershipStats } from '../security/governance/index.js';
import type { AuditTrail, MachineCommands } from '../security/types.js';
import type { Delivery } from '../workflows/delivery/index.js';
import type { Workflows } from '../workflows/index.js';

export interface HubHealth {
  status: 'ok' | 'degraded';
  version: string;
  startedAt: number;
  sources: SourceHealth[];
  historian: HistorianStats;
  ingest: { valuesPerSecond: number; totalValues: number };
  /** Outbound sinks with store-and-forward (the UNS publisher): connection and visible backlog. */
  sinks?: SinkHealth[];
  /** Tag ids declared by a source that does not own them: refused declarations and dropped values. */
  tagOwnership?: OwnershipStats;
}

/** What the HTTP API needs from the running hub: a narrow door, so routes hold no state of their own. */
export interface HubView {
  readonly historian: Historian;
  readonly pipeline?: Pipeline;
  /** The KPI engine, when the hub runs one (src/analytics/kpi). */
  readonly kpi?: KpiService;
  /** The predictive-maintenance monitor, when `pdm.enabled` (src/analytics/pdm). */
  readonly pdm?: PdmView;
  /** Rules, work orders and maintenance scheduling, when `workflows.enabled` (src/workflows). */
  readonly workflows?: Workflows;
  /** Durable delivery to ERP/CMMS, webhooks, e-mail, MQTT, HTTP, when `connectors` lists any (src/workflows/delivery). */
  readonly delivery?: Delivery;
  health(): HubHealth;
  assetTree(): Promise<AssetNode>;
  /** Server certificates in the hub PKI with their trust state (for the connections page). */
  serverCertificates?(): Promise<ServerCertificate[]>;
  /** Configured sites with their IANA time zones (the dashboard shows times in them). */
  sites?(): SiteInfo[];
  /** The tamper-evident audit log (src/security/audit), when the hub keeps one. */
  readonly audit?: AuditTrail;
  /** Guarded writes and method calls to machines (src/security/writes); refuses everything unless enabled. */
  readonly commands?: MachineCommands;
  /** Owner, classification and retention per tag; what may leave the hub (src/security/governance). */
  readonly governance?: GovernanceView;
  /** The hub's OPC UA certificate store, for trust management. */
  readonly pki?: HubPki;
  /**
   * Ends the sessions of the sources connected with this server certificate (after it was rejected
   * or removed) by restarting them; returns their names.
   */
  withdrawCertificate?(thumbprint: string): Promise<string[]>;
}

export interface ServerCertificate {
  thumbprint: string;
  status: 'trusted' | 'rejected';
  subject: string;
  notAfter: Date;
  expired: boolean;
}

export interface SiteInfo {
  path: string;
  id: string;
  name: string;
  timezone: string;
}
