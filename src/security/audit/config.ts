import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditTrail } from '../types.js';
import { canonicalJson } from './log.js';

/**
 * Audits the configuration the hub starts with: `hub.start` every time, and `config.change` when
 * it differs from the one of the previous start, naming the top-level sections that changed (never
 * values: a config holds secrets). The previous hash and section hashes live beside the log.
 */
export function auditConfigAtStart(audit: AuditTrail, auditFile: string, config: object, version: string): void {
  const sections: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    sections[k] = createHash('sha256').update(canonicalJson(v)).digest('hex');
  }
  const sha256 = createHash('sha256').update(canonicalJson(config)).digest('hex');
  const stateFile = path.join(path.dirname(auditFile), 'config.state.json');
  let previous: { sha256: string; sections: Record<string, string> } | undefined;
  if (existsSync(stateFile)) {
    try {
      previous = JSON.parse(readFileSync(stateFile, 'utf8')) as typeof previous;
    } catch {
      previous = undefined;
    }
  }
  if (previous && previous.sha256 !== sha256) {
    const changed = [...new Set([...Object.keys(sections), ...Object.keys(previous.sections)])]
      .filter((k) => sections[k] !== previous.sections[k])
      .sort();
    audit.append({
      actor: 'system',
      action: 'config.change',
      outcome: 'ok',
      reason: `configuration changed since the last start: ${changed.join(', ')}`,
      details: { sections: changed, sha256, previous: previous.sha256 },
    });
  }
  audit.append({
    actor: 'system',
    action: 'hub.start',
    outcome: 'ok',
    details: { version, configSha256: sha256 },
  });
  writeFileSync(`${stateFile}.tmp`, JSON.stringify({ sha256, sections }));
  renameSync(`${stateFile}.tmp`, stateFile);
}
