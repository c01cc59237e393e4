import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { auditToCsv, readEntries, verifyAuditLog } from '../../security/audit/index.js';

const DEFAULT_FILE = './data/audit/audit.log';

export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description(
      'Check and export the tamper-evident audit log (logins, user, config and trust changes, machine writes)',
    );

  audit
    .command('verify')
    .description(
      'Walk the hash chain and name every edited, removed or reordered entry; exit code 1 when the log was altered',
    )
    .option('--file <file>', 'audit log file (`<dataDir>/audit/audit.log`)', DEFAULT_FILE)
    .option('--json', 'print the result as JSON (includes the head hash to keep elsewhere)')
    .action((opts: { file: string; json?: boolean }) => {
      const v = verifyAuditLog(opts.file);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
      } else if (v.ok) {
        process.stdout.write(`${v.file}: ${v.entries} entries, chain intact; head ${v.head}\n`);
      } else {
        process.stdout.write(`${v.file}: ${v.entries} entries, ${v.problems.length} problem(s):\n`);
        for (const p of v.problems) process.stdout.write(`  entry ${p.entry}: ${p.kind}: ${p.message}\n`);
      }
      if (!v.ok) process.exitCode = 1;
    });

  audit
    .command('export')
    .description('Export audit entries as JSON Lines or CSV (for a SIEM or an auditor)')
    .option('--file <file>', 'audit log file (`<dataDir>/audit/audit.log`)', DEFAULT_FILE)
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .option('--from <iso>', 'only entries at or after this time (ISO 8601)')
    .option('--to <iso>', 'only entries before this time (ISO 8601)')
    .option('--out <file>', 'write to this file instead of stdout')
    .action((opts: { file: string; format: string; from?: string; to?: string; out?: string }) => {
      if (opts.format !== 'jsonl' && opts.format !== 'csv') {
        throw new Error(`--format must be jsonl or csv, not "${opts.format}"`);
      }
      const bound = (s: string | undefined, name: string): number | undefined => {
        if (s === undefined) return undefined;
        const t = Date.parse(s);
        if (Number.isNaN(t)) throw new Error(`--${name} "${s}" is not an ISO 8601 time, e.g. 2026-11-25T08:00:00Z`);
        return t;
      };
      const from = bound(opts.from, 'from');
      const to = bound(opts.to, 'to');
      const entries = readEntries(opts.file).filter(
        (e) => (from === undefined || e.ts >= from) && (to === undefined || e.ts < to),
      );
      const text = opts.format === 'csv' ? auditToCsv(entries) : entries.map((e) => `${JSON.stringify(e)}\n`).join('');
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });
}
