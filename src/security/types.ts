/**
 * The security door shared by every concern: who a request acts as (Principal), what each route
 * requires (RouteAccess, declared on every route as `config: { access }`; deny by default), the
 * audit trail every privileged action appends to, and the guarded path for writes to machines.
 * Implementations live in src/security/auth (authentication, authorisation), src/security/audit
 * (hash-chained log) and src/security/writes (allowlisted OPC UA writes and method calls).
 */

/** Least privilege first: each role can do everything the roles before it can. */
export const ROLES = ['viewer', 'operator', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** Who a request (or an automated rule) acts as. */
export interface Principal {
  kind: 'user' | 'token' | 'system';
  /** User name, token name, or `rule:<id>` for automation. */
  name: string;
  role: Role;
  /**
   * Asset paths (UNS prefixes such as `acme/zurich/machining/line1`) the principal is limited to;
   * empty means the whole enterprise.
   */
  scope: readonly string[];
}

/** True when `path` (a tag id or asset path) lies inside the principal's scope. */
export function inScope(p: Pick<Principal, 'scope'>, path: string): boolean {
  if (p.scope.length === 0) return true;
  return p.scope.some((s) => path === s || path.startsWith(`${s}/`));
}

/** Where a route finds the asset path or tag id it touches, so scoped principals are checked. */
export interface AssetLocator {
  in: 'params' | 'query' | 'body';
  key: string;
}

/**
 * What a route requires, declared as `config: { access }` on every route. A route without it is
 * refused (deny by default); a test walks every registered route to check each declares one.
 */
export type RouteAccess = { public: true } | { role: Role; asset?: AssetLocator };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Set by the authentication hook before any handler runs; absent only on public routes. */
    principal?: Principal;
    /**
     * The credential the principal came from, so a long-lived channel (the live WebSocket) can
     * check later that it still authorises the same principal.
     */
    credential?: Credential;
  }
}

/** What a request authenticated with: a session cookie's value or an `Authorization: Bearer` value. */
export type Credential = { kind: 'session'; cookie: string } | { kind: 'bearer'; value: string };

/** True when two principals carry the same authority (role and scope). */
export function sameAuthority(a: Principal, b: Principal): boolean {
  if (a.role !== b.role || a.scope.length !== b.scope.length) return false;
  const s = new Set(a.scope);
  return b.scope.every((x) => s.has(x));
}

/** One entry appended to the tamper-evident audit log. */
export interface AuditRecord {
  /** `user:<name>`, `token:<name>`, `rule:<id>`, `system`, or `anonymous` for failed logins. */
  actor: string;
  /** Dotted action, e.g. `auth.login`, `user.create`, `token.revoke`, `config.change`, `rule.update`,
   * `pki.trust`, `machine.write`, `machine.call`, `workorder.update`. */
  action: string;
  /** What the action was about: a user name, tag id, thumbprint, work-order id… */
  target?: string;
  outcome: 'ok' | 'refused' | 'failed';
  reason?: string;
  details?: Record<string, unknown>;
  /** Client address for HTTP-originated actions. */
  ip?: string;
}

export interface AuditTrail {
  /** Appends synchronously (durable when it returns). */
  append(r: AuditRecord): void;
}

/** A write to a machine through the guarded path. */
export interface MachineWriteRequest {
  tagId: string;
  value: unknown;
  reason: string;
  principal: Principal;
}

/** An OPC UA method call through the guarded path, e.g. the demo plant's ResetWear. */
export interface MachineCallRequest {
  /** Asset path of the machine (e.g. `acme/zurich/machining/line1/cnc1`). */
  asset: string;
  /** Method name as allowlisted in config, e.g. `ResetWear`. */
  method: string;
  args?: unknown[];
  reason: string;
  principal: Principal;
}

export interface MachineCommandResult {
  ok: boolean;
  /** OPC UA StatusCode name of the result, e.g. `Good`, `BadTypeMismatch`. */
  statusCode: string;
  message: string;
  outputArguments?: unknown[];
}

/**
 * Guarded writes (off by default): allowlisted per tag / method with type and range, engineer role
 * or higher, a reason required, every attempt audited whether allowed or refused.
 */
export interface MachineCommands {
  write(r: MachineWriteRequest): Promise<MachineCommandResult>;
  call(r: MachineCallRequest): Promise<MachineCommandResult>;
}

/** Data classification, from least to most sensitive. */
export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/**
 * Data governance per tag (owner, classification, retention). Classification controls what leaves
 * the hub: a confidential or restricted tag never goes to an outbound sink unless a rule allows it.
 */
export interface DataGovernance {
  classificationOf(tagId: string): Classification;
  /**
   * May this tag's value leave the hub through `sink`? `sink` is `<kind>:<name>`, e.g. `mqtt:uns`,
   * `webhook:cmms`, `erp:sap`, `email:maintenance`, `http:<rule id>`.
   */
  mayLeave(tagId: string, sink: string): boolean;
}
