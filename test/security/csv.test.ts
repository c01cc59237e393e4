import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { importCsv } from '../../src/analytics/history/import.js';
import { createSqliteHistorian } from '../../src/historian/index.js';
import { csvCell, csvLines, csvRow, splitCsvLine } from '../../src/model/csv.js';
import { auditToCsv } from '../../src/security/audit/index.js';

const log = pino({ level: 'silent' });

describe('CSV writer: formula cells neutralised (OWASP CSV injection)', () => {
  it('prefixes text cells starting with = + - @ tab or CR and quotes them', () => {
    assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
    assert.equal(csvCell('=1+1'), `"'=1+1"`);
    assert.equal(csvCell('+41 44'), `"'+41 44"`);
    assert.equal(csvCell('-2+3'), `"'-2+3"`);
    assert.equal(csvCell('@SUM(A1)'), `"'@SUM(A1)"`);
    assert.equal(csvCell('\tx'), `"'\tx"`);
    assert.equal(csvCell('\rx'), `"'\rx"`);
  });
  it('keeps numbers numeric (a negative value stays a number) and plain text plain', () => {
    assert.equal(csvCell(-3.5), '-3.5');
    assert.equal(csvCell(0), '0');
    assert.equal(csvCell(Number.NaN), '');
    assert.equal(csvCell('mm/s'), 'mm/s');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell(null), '');
    assert.equal(csvRow(['t', -1, true]), 't,-1,true');
  });
  it('the audit export goes through it', () => {
    const csv = auditToCsv([
      {
        seq: 1,
        ts: 0,
        actor: 'user:x',
        reason: '@SUM(A1)',
        action: 'x',
        target: '=1+1',
        outcome: 'ok',
        prev: '',
        hash: '',
      } as never,
    ]);
    assert.ok(csv.includes(`"'@SUM(A1)"`) && csv.includes(`"'=1+1"`), csv);
  });
});

describe('CSV reader: limits without echo', () => {
  it('splits quoted fields and refuses an over-long field by its number only', () => {
    assert.deepEqual(splitCsvLine('a,"b,""c""",d'), ['a', 'b,"c"', 'd']);
    const long = splitCsvLine(`t,${'9'.repeat(100)},1`, 50);
    assert.equal(typeof long, 'string');
    assert.ok(!(long as string).includes('999'), long as string);
  });

  it('streams past a 100 MB line: memory stays bounded and the error does not echo it', async () => {
    const MB = 1024 * 1024;
    const chunk = Buffer.alloc(MB, 0x41); // "AAAA…"
    let sent = 0;
    const input = new Readable({
      read() {
        if (sent === 0) this.push('tag,ts,value\n');
        if (sent < 100) {
          sent++;
          this.push(chunk);
        } else if (sent === 100) {
          sent++;
          this.push('\nx,1,2\n');
        } else this.push(null);
      },
    });
    const before = process.memoryUsage().rss;
    let peak = before;
    const lines: unknown[] = [];
    for await (const l of csvLines(input, MB)) {
      peak = Math.max(peak, process.memoryUsage().rss);
      lines.push('tooLong' in l ? { tooLong: l.tooLong } : l.text);
    }
    assert.deepEqual(lines, ['tag,ts,value', { tooLong: 100 * MB }, 'x,1,2']);
    // The reader never holds more than the limit; allow for GC slack of the 1 MB chunks.
    assert.ok(peak - before < 60 * MB, `RSS grew by ${Math.round((peak - before) / MB)} MB`);
  });

  it('the importer reports a too-long line by its length, and keeps quoting of errors short', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-csv-'));
    const h = createSqliteHistorian({ path: join(dir, 'h.db'), logger: log });
    await h.open();
    try {
      await h.register([
        {
          id: 'acme/a/b/c/m/t',
          assetPath: 'acme/a/b/c/m',
          name: 't',
          dataType: 'Double',
          lineage: { source: 's', endpoint: 'e', nodeId: 'n' },
        },
      ]);
      const big = 'Z'.repeat(5000);
      const csv = `acme/a/b/c/m/t,2026-01-01T00:00:00Z,${big}\nacme/a/b/c/m/t,2026-01-01T00:00:01Z,-4.5\n${'Q'.repeat(3000)}\n`;
      const r = await importCsv(h, Readable.from([csv]), { maxLineBytes: 2048 });
      assert.equal(r.accepted, 1);
      assert.equal(r.rejected, 2);
      const text = JSON.stringify(r.errors);
      assert.ok(!text.includes('Z'.repeat(100)) && !text.includes('Q'.repeat(100)), text);
      assert.match(text, /longer than the limit of 2048 bytes/);
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
