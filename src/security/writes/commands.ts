import type { Logger } from 'pino';
import { pathGlob } from '../../model/index.js';
import type { TagRecord } from '../../model/tag.js';
import type { MachineCommandTarget } from '../../sources/index.js';
import {
  type AuditTrail,
  inScope,
  type MachineCallRequest,
  type MachineCommandResult,
  type MachineCommands,
  type MachineWriteRequest,
  type Principal,
  roleAtLeast,
} from '../types.js';
import type { WritesConfig, WriteValueRule } from './config.js';

export interface GuardedCommandsDeps {
  config: WritesConfig;
  /** Tag lookup (the historian's catalog): lineage says which source and NodeId a tag comes from. */
  tags: { getTag(id: string): Promise<TagRecord | undefined>; listTags(): Promise<TagRecord[]> };
  /** The running source of that name, when it can write and call. */
  source(name: string): MachineCommandTarget | undefined;
  audit: AuditTrail | undefined;
  logger: Logger;
}

/** Least reason length: a word or two, so "x" is not a reason. */
const MIN_REASON = 3;

function actorOf(p: Principal): string {
  return p.kind === 'system' ? (p.name.startsWith('rule:') ? p.name : 'system') : `${p.kind}:${p.name}`;
}

/** Checks a value against an allowlist entry's type and range; undefined when it fits. */
export function checkValue(rule: WriteValueRule, value: unknown): { statusCode: string; message: string } | undefined {
  const show = JSON.stringify(value);
  switch (rule.dataType) {
    case 'Boolean':
      if (typeof value !== 'boolean')
        return { statusCode: 'BadTypeMismatch', message: `expected a boolean, got ${show}` };
      break;
    case 'String':
      if (typeof value !== 'string')
        return { statusCode: 'BadTypeMismatch', message: `expected a string, got ${show}` };
      break;
    default: {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return { statusCode: 'BadTypeMismatch', message: `expected a number (${rule.dataType}), got ${show}` };
      }
      if ((rule.dataType === 'Int' || rule.dataType === 'UInt') && !Number.isInteger(value)) {
        return { statusCode: 'BadTypeMismatch', message: `expected a whole number (${rule.dataType}), got ${show}` };
      }
      if (rule.dataType === 'UInt' && value < 0) {
        return { statusCode: 'BadOutOfRange', message: `expected a number ≥ 0 (UInt), got ${show}` };
      }
      if ((rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)) {
        return {
          statusCode: 'BadOutOfRange',
          message: `${show} is outside the allowed range ${rule.min ?? '-∞'}..${rule.max ?? '∞'}`,
        };
      }
    }
  }
  if (rule.values !== undefined && !rule.values.includes(value as string | number | boolean)) {
    return {
      statusCode: 'BadOutOfRange',
      message: `${show} is not one of ${rule.values.map((v) => JSON.stringify(v)).join(', ')}`,
    };
  }
  return undefined;
}

/**
 * The guarded path for writes and method calls to machines. In order: writes enabled, role,
 * reason, the principal's asset scope, the allowlist (tag glob with type and range, or asset glob
 * and method name with argument types), then the source's OPC UA Write or Call. Every attempt is
 * appended to the audit trail, refused or not, with who, what, the value and the reason.
 */
export class GuardedCommands implements MachineCommands {
  private readonly tagRules: { re: RegExp; rule: WritesConfig['tags'][number] }[];
  private readonly methodRules: { re: RegExp; rule: WritesConfig['methods'][number] }[];
  private readonly minRole: Principal['role'];

  constructor(private readonly deps: GuardedCommandsDeps) {
    this.tagRules = deps.config.tags.map((rule) => ({ re: pathGlob(rule.tags), rule }));
    this.methodRules = deps.config.methods.map((rule) => ({ re: pathGlob(rule.assets), rule }));
    this.minRole = roleAtLeast(deps.config.role, 'engineer') ? deps.config.role : 'engineer';
  }

  /** Tag globs and method rules in force (for the dashboard's write form). */
  allowlist(): {
    enabled: boolean;
    role: Principal['role'];
    tags: WritesConfig['tags'];
    methods: WritesConfig['methods'];
  } {
    return {
      enabled: this.deps.config.enabled,
      role: this.minRole,
      tags: this.deps.config.tags,
      methods: this.deps.config.methods,
    };
  }

  /** The allowlist entry for a tag, if any (first match). */
  ruleForTag(tagId: string): WritesConfig['tags'][number] | undefined {
    return this.tagRules.find((r) => r.re.test(tagId))?.rule;
  }

  private gate(p: Principal, reason: string, path: string): { statusCode: string; message: string } | undefined {
    if (!this.deps.config.enabled) {
      return {
        statusCode: 'BadUserAccessDenied',
        message: 'writes to machines are disabled (config `writes.enabled: false`)',
      };
    }
    if (!roleAtLeast(p.role, this.minRole)) {
      return {
        statusCode: 'BadUserAccessDenied',
        message: `role ${p.role} may not write to machines; ${this.minRole} or higher is needed`,
      };
    }
    if (typeof reason !== 'string' || reason.trim().length < MIN_REASON) {
      return {
        statusCode: 'BadUserAccessDenied',
        message: `a reason (at least ${MIN_REASON} characters) is required for every write or call`,
      };
    }
    if (!inScope(p, path)) {
      return {
        statusCode: 'BadUserAccessDenied',
        message: `${path} is outside ${actorOf(p)}'s scope (${p.scope.join(', ')})`,
      };
    }
    return undefined;
  }

  private finish(
    action: 'machine.write' | 'machine.call',
    r: { principal: Principal; reason: string },
    target: string,
    result: MachineCommandResult,
    refused: boolean,
    details: Record<string, unknown>,
  ): MachineCommandResult {
    this.deps.audit?.append({
      actor: actorOf(r.principal),
      action,
      target,
      outcome: result.ok ? 'ok' : refused ? 'refused' : 'failed',
      reason: typeof r.reason === 'string' ? r.reason : '',
      details: { ...details, statusCode: result.statusCode, message: result.message },
    });
    const level = result.ok ? 'info' : 'warn';
    this.deps.logger[level](
      { action, target, actor: actorOf(r.principal), statusCode: result.statusCode },
      result.message,
    );
    return result;
  }

  async write(r: MachineWriteRequest): Promise<MachineCommandResult> {
    const details = { value: r.value };
    const refuse = (x: { statusCode: string; message: string }) =>
      this.finish('machine.write', r, r.tagId, { ok: false, ...x }, true, details);
    const denied = this.gate(r.principal, r.reason, r.tagId);
    if (denied) return refuse(denied);
    const rule = this.ruleForTag(r.tagId);
    if (!rule) {
      return refuse({
        statusCode: 'BadUserAccessDenied',
        message: `tag ${r.tagId} is not in the write allowlist (config \`writes.tags\`)`,
      });
    }
    const bad =
      r.value === undefined ? { statusCode: 'BadTypeMismatch', message: 'no value given' } : checkValue(rule, r.value);
    if (bad) return refuse({ statusCode: bad.statusCode, message: `tag ${r.tagId}: ${bad.message}` });
    const tag = await this.deps.tags.getTag(r.tagId);
    if (!tag) return refuse({ statusCode: 'BadNodeIdUnknown', message: `no tag ${r.tagId}` });
    const source = this.deps.source(tag.lineage.source);
    if (!source) {
      return refuse({
        statusCode: 'BadNotSupported',
        message: `source ${tag.lineage.source} of ${r.tagId} cannot write (not a running OPC UA source)`,
      });
    }
    let result: MachineCommandResult;
    try {
      result = await source.writeValue(tag.lineage.nodeId, r.value);
    } catch (err) {
      result = {
        ok: false,
        statusCode: 'BadCommunicationError',
        message: `write ${r.tagId} failed: ${(err as Error).message}`,
      };
    }
    return this.finish('machine.write', r, r.tagId, result, false, {
      ...details,
      // As written: the value is never converted (checkValue refuses what is not already of the
      // type), so what was sent is what the Write carried, encoded as this DataType.
      written: { value: r.value, dataType: rule.dataType },
      nodeId: tag.lineage.nodeId,
      source: tag.lineage.source,
    });
  }

  async call(r: MachineCallRequest): Promise<MachineCommandResult> {
    const args = r.args ?? [];
    const target = `${r.asset}#${r.method}`;
    const details = { asset: r.asset, method: r.method, args };
    const refuse = (x: { statusCode: string; message: string }) =>
      this.finish('machine.call', r, target, { ok: false, ...x }, true, details);
    const denied = this.gate(r.principal, r.reason, r.asset);
    if (denied) return refuse(denied);
    const rule = this.methodRules.find((m) => m.rule.method === r.method && m.re.test(r.asset))?.rule;
    if (!rule) {
      return refuse({
        statusCode: 'BadUserAccessDenied',
        message: `method ${r.method} on ${r.asset} is not in the allowlist (config \`writes.methods\`)`,
      });
    }
    if (args.length !== rule.args.length) {
      return refuse({
        statusCode: 'BadArgumentsMissing',
        message: `${r.method} takes ${rule.args.length} argument(s) (${rule.args.map((a) => a.name).join(', ')}), got ${args.length}`,
      });
    }
    for (let i = 0; i < args.length; i++) {
      const a = rule.args[i] as (typeof rule.args)[number];
      const bad = checkValue(a, args[i]);
      if (bad) return refuse({ statusCode: bad.statusCode, message: `${r.method} argument ${a.name}: ${bad.message}` });
    }
    // The machine object is found from one of its tags: the variable's NodeId, as many levels up as
    // the tag id is below the asset path (browse rules mirror the address space into the UNS path).
    const depth = r.asset.split('/').length;
    const tags = (await this.deps.tags.listTags()).filter(
      (t) => t.assetPath === r.asset && t.lineage.browsePath !== undefined && this.deps.source(t.lineage.source),
    );
    const tag = tags.sort((a, b) => a.id.split('/').length - b.id.split('/').length)[0];
    if (!tag) {
      return refuse({
        statusCode: 'BadNodeIdUnknown',
        message: `no browsed OPC UA tag of asset ${r.asset}, so its machine object is unknown`,
      });
    }
    const source = this.deps.source(tag.lineage.source) as MachineCommandTarget;
    let result: MachineCommandResult;
    try {
      result = await source.callMethod({
        from: tag.lineage.nodeId,
        levelsUp: tag.id.split('/').length - depth,
        method: r.method,
        args,
      });
    } catch (err) {
      result = {
        ok: false,
        statusCode: 'BadCommunicationError',
        message: `call ${r.method} on ${r.asset} failed: ${(err as Error).message}`,
      };
    }
    return this.finish('machine.call', r, target, result, false, { ...details, source: tag.lineage.source });
  }
}
