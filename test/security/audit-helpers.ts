import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { AuditLog } from '../../src/security/audit/index.js';

const dirs: string[] = [];
/** Removes every folder makeLog created; call from after(). */
export function removeLogs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A log of `n` entries in a fresh folder; returns its file. */
export function makeLog(n: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gt-audit-'));
  dirs.push(dir);
  const file = path.join(dir, 'audit.log');
  const log = new AuditLog({ file, logger: pino({ level: 'silent' }) });
  log.open();
  for (let i = 1; i <= n; i++) {
    log.append({
      actor: i % 2 ? 'user:alice' : 'rule:wear-high',
      action: i % 3 ? 'machine.write' : 'pki.trust',
      target: `acme/zurich/machining/line1/cnc1/tag${i}`,
      outcome: i % 4 ? 'ok' : 'refused',
      reason: `step ${i}`,
      details: { value: i, nested: { b: 2, a: 1 } },
      ip: '127.0.0.1',
    });
  }
  log.close();
  return file;
}
