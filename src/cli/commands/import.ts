import { createReadStream, createWriteStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import {
  correctionAuditRecords,
  exportHistoryCsv,
  exportHistoryParquet,
  type ImportResult,
  importCsv,
  importTagDefinitions,
} from '../../analytics/history/index.js';
import { KpiStore } from '../../analytics/kpi/index.js';
import { parseRange } from '../../api/index.js';
import type { GotthardConfig } from '../../config/index.js';
import { loadConfigFile, validateConfig } from '../../config/index.js';
import { GotthardError } from '../../errors.js';
import type { Historian } from '../../historian/index.js';
import { createHistorian } from '../../historian/index.js';
import type { TagRecord } from '../../model/tag.js';
import { AuditLog } from '../../security/audit/index.js';
import { cliLogger } from '../log.js';

interface Common {
  config?: string;
  dataDir?: string;
  url?: string;
  token?: string;
}

/** `Authorization` for a running hub: `--token`, else `GOTTHARD_TOKEN` (an API token, docs/security.md). */
function authHeaders(o: { token?: string }): Record<string, string> {
  const token = o.token ?? process.env.GOTTHARD_TOKEN;
  return token ? { authorization: `Bearer ${token}` } : {};
}

const TOKEN_HELP = 'API token for --url (default: the GOTTHARD_TOKEN environment variable)';

function configOf(o: Common): GotthardConfig {
  const c = o.config ? loadConfigFile(o.config) : validateConfig({});
  return o.dataDir ? validateConfig({ ...structuredClone(c), dataDir: o.dataDir }) : c;
}

/** The historian of the config's engine (SQLite file or PostgreSQL), as the hub would open it. */
async function withHistorian<T>(o: Common, fn: (h: Historian, c: GotthardConfig) => Promise<T>): Promise<T> {
  const c = configOf(o);
  const h = createHistorian(c.historian, {
    dataDir: c.dataDir,
    logger: cliLogger('warn').child({ component: 'historian' }),
  });
  await h.open();
  try {
    return await fn(h, c);
  } finally {
    await h.close();
  }
}

function progressLine(total: number) {
  let last = 0;
  return (bytes: number, rows: number, rejected: number) => {
    const now = Date.now();
    if (now - last < 500 && bytes < total) return;
    last = now;
    const pct = total > 0 ? ` ${((100 * bytes) / total).toFixed(1)} %` : '';
    process.stderr.write(`\rimport:${pct}  ${rows} rows accepted, ${rejected} rejected   `);
  };
}

type Reported = Pick<
  ImportResult,
  'accepted' | 'unchanged' | 'conflicting' | 'corrected' | 'rejected' | 'lines' | 'errors' | 'rows'
> & { conflicts: { line: number; tag: string; ts: number | string; stored: unknown; imported: unknown }[] };

function report(file: string, r: Reported, json: boolean): void {
  process.stderr.write('\n');
  if (json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else {
    for (const e of r.errors) process.stdout.write(`${file}:${e.line}: ${e.message}\n`);
    if (r.rejected > r.errors.length)
      process.stdout.write(`… and ${r.rejected - r.errors.length} more rejected rows\n`);
    const word = r.corrected > 0 ? 'corrected' : 'conflicts with the stored value (kept; --correct replaces it)';
    for (const c of r.conflicts) {
      const ts = typeof c.ts === 'number' ? new Date(c.ts).toISOString() : c.ts;
      process.stdout.write(
        `${file}:${c.line}: ${c.tag} at ${ts} ${word}: stored ${JSON.stringify(c.stored)}, file ${JSON.stringify(c.imported)}\n`,
      );
    }
    if (r.conflicting + r.corrected > r.conflicts.length)
      process.stdout.write(`… and ${r.conflicting + r.corrected - r.conflicts.length} more\n`);
    process.stdout.write(
      `${file}: ${r.accepted} rows imported, ${r.rejected} rejected (${r.lines} lines); ` +
        `${r.unchanged} unchanged, ${r.conflicting} conflicting, ${r.corrected} corrected\n`,
    );
  }
  if (r.rejected > 0 || r.conflicting > 0) process.exitCode = 1;
}

export function registerImportExport(program: Command): void {
  program
    .command('import')
    .description('Load history of existing tags from CSV (tag id, source timestamp, value[, status] per line)')
    .argument('<file>', 'CSV file; a header line is optional')
    .option('-c, --config <file>', 'config file (for dataDir); the hub must not be running, or use --url')
    .option('--data-dir <dir>', 'data folder (overrides config dataDir)')
    .option('--url <url>', 'import through a running hub, e.g. http://127.0.0.1:8080')
    .option('--token <token>', TOKEN_HELP)
    .option('--max-errors <n>', 'list at most this many row errors', '1000')
    .option('--max-rows <n>', 'list at most this many line numbers per kind of row and conflicts', '100')
    .option(
      '--correct',
      'replace stored values that differ at the same tag and timestamp (audited as history.correct); without it they are kept and reported as conflicting',
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (file: string, o: Common & { maxErrors: string; maxRows: string; correct?: boolean; json?: boolean }) => {
        const mode = o.correct === true ? 'correct' : 'insert';
        const total = statSync(file).size;
        const show = progressLine(total);
        if (o.url) {
          let sent = 0;
          const counter = new Transform({
            transform(chunk: Buffer, _enc, done) {
              sent += chunk.length;
              show(sent, 0, 0);
              done(null, chunk);
            },
          });
          const body = Readable.toWeb(createReadStream(file).pipe(counter)) as ReadableStream;
          const res = await fetch(
            `${o.url.replace(/\/$/, '')}/api/v1/import?maxErrors=${Number(o.maxErrors)}&maxRows=${Number(o.maxRows)}&mode=${mode}`,
            {
              method: 'POST',
              headers: { 'content-type': 'text/csv', ...authHeaders(o) },
              body,
              duplex: 'half',
            } as RequestInit,
          );
          const out = (await res.json()) as Reported & { error?: { message: string } };
          if (!res.ok) throw new GotthardError('GT_BAD_REQUEST', `${o.url}: ${out.error?.message ?? res.statusText}`);
          report(file, out, o.json === true);
          return;
        }
        await withHistorian(o, async (h, c) => {
          // Tags declared for import only (config `imports`) exist before their rows are read.
          await h.register(importTagDefinitions(c.imports));
          // Offline corrections go to the hub's own audit log in the data folder (chained on from it).
          const audit =
            mode === 'correct'
              ? new AuditLog({ file: join(c.dataDir, 'audit', 'audit.log'), logger: cliLogger('warn') })
              : undefined;
          audit?.open();
          const actor = `cli:${userInfo().username}`;
          let r: ImportResult;
          try {
            r = await importCsv(h, createReadStream(file), {
              maxErrors: Number(o.maxErrors),
              maxRows: Number(o.maxRows),
              mode,
              progressEvery: 10_000,
              onProgress: (p) => show(p.bytes, p.accepted, p.rejected),
              // Audited before the batch's values are replaced (write-ahead).
              onCorrecting: (cs) => {
                for (const rec of correctionAuditRecords(cs, `gotthard import --correct ${file}`))
                  audit?.append({ ...rec, actor });
              },
              onCorrectionFailed: (cs, err) => {
                for (const rec of correctionAuditRecords(cs, `gotthard import --correct ${file}`, err))
                  audit?.append({ ...rec, actor });
              },
            });
          } finally {
            audit?.close();
          }
          // Stored KPI periods of the imported machines are recomputed on demand (no KPI store yet: none).
          const kpiDb = join(c.dataDir, 'kpi.db');
          if (existsSync(kpiDb)) {
            const store = new KpiStore(kpiDb);
            for (const t of r.tags) store.invalidate(t.assetPath, t.from, Number.MAX_SAFE_INTEGER);
            store.close();
          }
          report(file, r, o.json === true);
        });
      },
    );

  const exp = program.command('export').description('Export tag history (CSV, Parquet) or KPI tables (CSV)');
  exp
    .command('history')
    .description('Raw history of tags over a range, as CSV (the import format) or Parquet')
    .option('--tag <id...>', 'tag ids')
    .option('--asset <path>', 'every tag at or below this asset')
    .option('--from <time>', 'ISO 8601, epoch ms or now-7d', 'now-1d')
    .option('--to <time>', 'ISO 8601, epoch ms or now', 'now')
    .option('--format <f>', 'csv or parquet', 'csv')
    .requiredOption('-o, --out <file>', 'output file')
    .option('-c, --config <file>', 'config file (for dataDir)')
    .option('--data-dir <dir>', 'data folder')
    .option('--url <url>', 'export through a running hub, e.g. http://127.0.0.1:8080')
    .option('--token <token>', TOKEN_HELP)
    .action(
      async (o: Common & { tag?: string[]; asset?: string; from: string; to: string; format: string; out: string }) => {
        if (o.format !== 'csv' && o.format !== 'parquet') {
          throw new GotthardError('GT_BAD_REQUEST', `--format "${o.format}": use csv or parquet`);
        }
        if (o.url) {
          const q = new URLSearchParams({ from: o.from, to: o.to, format: o.format });
          for (const t of o.tag ?? []) q.append('tag', t);
          if (o.asset) q.set('asset', o.asset);
          await download(`${o.url.replace(/\/$/, '')}/api/v1/history/dataset?${q}`, o.out, authHeaders(o));
          return;
        }
        const { from, to } = parseRange(o.from, o.to);
        await withHistorian(o, async (h) => {
          const all = await h.listTags();
          const tags: TagRecord[] = all.filter(
            (t) =>
              o.tag?.includes(t.id) ||
              (o.asset !== undefined && (t.assetPath === o.asset || t.assetPath.startsWith(`${o.asset}/`))),
          );
          const unknown = (o.tag ?? []).filter((id) => !all.some((t) => t.id === id));
          if (unknown.length > 0) throw new GotthardError('GT_TAG_NOT_FOUND', `unknown tag(s): ${unknown.join(', ')}`);
          if (tags.length === 0) throw new GotthardError('GT_BAD_REQUEST', 'name the tags with --tag or --asset');
          let rows: number;
          if (o.format === 'parquet') {
            const r = await exportHistoryParquet(h, tags, from, to);
            writeFileSync(o.out, r.bytes);
            rows = r.rows;
          } else {
            const out = createWriteStream(o.out);
            rows = await exportHistoryCsv(h, tags, from, to, out);
            await new Promise<void>((resolve, reject) =>
              out.end((err?: Error | null) => (err ? reject(err) : resolve())),
            );
          }
          process.stderr.write(`${o.out}: ${rows} rows of ${tags.length} tag(s)\n`);
        });
      },
    );
  exp
    .command('kpi')
    .description('KPI table (one row per hour, shift, day, week or month) as CSV, from a running hub')
    .option('--asset <path>', 'machine, line, area or site', '')
    .option('--period <p>', 'hour, shift, day, week or month', 'shift')
    .option('--from <time>', 'ISO 8601, epoch ms or now-7d', 'now-7d')
    .option('--to <time>', 'ISO 8601, epoch ms or now', 'now')
    .requiredOption('-o, --out <file>', 'output file')
    .option('--url <url>', 'the hub', 'http://127.0.0.1:8080')
    .option('--token <token>', TOKEN_HELP)
    .action(
      async (o: {
        asset: string;
        period: string;
        from: string;
        to: string;
        out: string;
        url: string;
        token?: string;
      }) => {
        const q = new URLSearchParams({ asset: o.asset, period: o.period, from: o.from, to: o.to });
        await download(`${o.url.replace(/\/$/, '')}/api/v1/kpi/export?${q}`, o.out, authHeaders(o));
      },
    );
}

async function download(url: string, file: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(url, { headers });
  if (!res.ok || res.body === null) {
    const text = await res.text();
    let msg = text;
    try {
      msg = (JSON.parse(text) as { error: { message: string } }).error.message;
    } catch {}
    throw new GotthardError('GT_BAD_REQUEST', `${url}: ${res.status} ${msg}`);
  }
  await pipeline(Readable.fromWeb(res.body as never), createWriteStream(file));
  process.stderr.write(`${file}: written\n`);
}
