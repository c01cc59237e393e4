import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { type CertificateEntry, type IssuerEntry, openPki } from '../../pki/index.js';
import { AuditLog } from '../../security/audit/index.js';
import type { AuditRecord } from '../../security/types.js';
import { cliLogger } from '../log.js';

const DEFAULT_DIR = './data/pki';
const DEFAULT_AUDIT = './data/audit/audit.log';

/**
 * Appends a trust change to the hub's audit log (the same file the running hub writes; it chains on
 * from whatever the other wrote last). The actor is `cli:<OS user>`.
 */
function audit(file: string, r: Omit<AuditRecord, 'actor'>): void {
  const log = new AuditLog({ file, logger: cliLogger('warn') });
  log.open();
  try {
    log.append({ actor: `cli:${userInfo().username}`, ...r });
  } finally {
    log.close();
  }
}

function row(c: CertificateEntry | IssuerEntry): string {
  const validity = `${c.notBefore.toISOString().slice(0, 10)}..${c.notAfter.toISOString().slice(0, 10)}${c.expired ? ' EXPIRED' : ''}`;
  return `${c.status.padEnd(8)} ${c.thumbprint}  ${validity}  ${c.subject}${c.applicationUri ? `  (${c.applicationUri})` : ''}`;
}

async function withPki<T>(dir: string, fn: (pki: Awaited<ReturnType<typeof openPki>>) => Promise<T>): Promise<T> {
  const pki = await openPki({
    dir,
    applicationUri: `urn:gotthard:hub:${hostname()}`,
    logger: cliLogger('warn'),
    disableFileWatchers: true,
  });
  try {
    return await fn(pki);
  } finally {
    await pki.close();
  }
}

export function registerPki(program: Command): void {
  const pki = program
    .command('pki')
    .description("Manage the hub's OPC UA certificates: its own, trusted and rejected servers")
    .option('--dir <dir>', 'PKI folder (own / trusted / rejected / issuers)', DEFAULT_DIR)
    .option(
      '--audit-file <file>',
      'audit log that records every trust change (`<dataDir>/audit/audit.log`)',
      DEFAULT_AUDIT,
    );
  const rootOf = (cmd: Command): Command => (cmd.parent?.name() === 'pki' ? cmd.parent : (cmd.parent?.parent ?? cmd));
  const dirOf = (cmd: Command): string => (rootOf(cmd).opts() as { dir?: string }).dir ?? DEFAULT_DIR;
  const auditOf = (cmd: Command): string => (rootOf(cmd).opts() as { auditFile?: string }).auditFile ?? DEFAULT_AUDIT;
  /** Runs a trust change and audits it, failed attempts too. */
  const changed = async (
    cmd: Command,
    action: string,
    target: string,
    fn: () => Promise<CertificateEntry | IssuerEntry>,
  ) => {
    try {
      const c = await fn();
      audit(auditOf(cmd), {
        action,
        target: c.thumbprint,
        outcome: 'ok',
        details: { subject: c.subject, status: c.status },
      });
      return c;
    } catch (err) {
      audit(auditOf(cmd), { action, target, outcome: 'failed', reason: (err as Error).message });
      throw err;
    }
  };

  pki
    .command('list')
    .description("List the hub's own certificate and the trusted and rejected server certificates")
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withPki(dirOf(cmd), async (p) => {
        const own = await p.ownCertificate();
        const certs = await p.list();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ own, certificates: certs }, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `own      ${own.thumbprint}  valid until ${own.notAfter.toISOString().slice(0, 10)}  ${own.subject}\n`,
        );
        for (const c of certs) process.stdout.write(`${row(c)}\n`);
        if (certs.length === 0) process.stdout.write('(no trusted or rejected server certificates yet)\n');
        for (const c of await p.issuers()) process.stdout.write(`${row(c)}\n`);
        for (const c of await p.crls())
          process.stdout.write(`crl      ${c.target}/${c.file.split(/[\\/]/).pop()}  ${c.bytes} bytes\n`);
      });
    });

  pki
    .command('trust')
    .description(
      'Trust a server certificate: a thumbprint from `pki list` (moves it from rejected) or a certificate file',
    )
    .argument('<thumbprint-or-file>')
    .action(async (what: string, _o: unknown, cmd: Command) => {
      await withPki(dirOf(cmd), async (p) =>
        process.stdout.write(`${row(await changed(cmd, 'pki.trust', what, () => p.trust(what)))}\n`),
      );
    });

  pki
    .command('reject')
    .description('Reject a server certificate (moves it from trusted to rejected)')
    .argument('<thumbprint>')
    .action(async (what: string, _o: unknown, cmd: Command) => {
      await withPki(dirOf(cmd), async (p) =>
        process.stdout.write(`${row(await changed(cmd, 'pki.reject', what, () => p.reject(what)))}\n`),
      );
    });

  pki
    .command('remove')
    .description('Delete a trusted or rejected server certificate')
    .argument('<thumbprint>')
    .action(async (what: string, _o: unknown, cmd: Command) => {
      await withPki(dirOf(cmd), async (p) =>
        process.stdout.write(`removed ${row(await changed(cmd, 'pki.remove', what, () => p.remove(what)))}\n`),
      );
    });

  const issuer = pki.command('issuer').description('CA certificates used to verify server certificate chains');
  issuer
    .command('add')
    .description('Add a CA certificate (PEM or DER file) to issuers/; --trust also trusts every certificate it signed')
    .argument('<file>')
    .option('--trust', 'also put the CA into trusted/')
    .action(async (file: string, o: { trust?: boolean }, cmd: Command) => {
      await withPki(dirOf(cmd), async (p) =>
        process.stdout.write(
          `${row(await changed(cmd, 'pki.issuer.add', file, () => p.addIssuer(readFileSync(file), o.trust === true)))}\n`,
        ),
      );
    });
  issuer
    .command('remove')
    .description('Remove a CA certificate from issuers/')
    .argument('<thumbprint>')
    .action(async (what: string, _o: unknown, cmd: Command) => {
      await withPki(dirOf(cmd), async (p) =>
        process.stdout.write(
          `removed ${row(await changed(cmd, 'pki.issuer.remove', what, () => p.removeIssuer(what)))}\n`,
        ),
      );
    });

  pki
    .command('crl')
    .description('Add a certificate revocation list (PEM or DER file) of a CA; revoked server certificates are refused')
    .argument('<file>')
    .option('--target <target>', 'issuers or trusted (where the CA that issued it is)', 'issuers')
    .action(async (file: string, o: { target: string }, cmd: Command) => {
      if (o.target !== 'issuers' && o.target !== 'trusted')
        throw new Error(`--target must be issuers or trusted, not "${o.target}"`);
      await withPki(dirOf(cmd), async (p) => {
        const status = await p.addCrl(readFileSync(file), o.target as 'issuers' | 'trusted');
        audit(auditOf(cmd), { action: 'pki.crl.add', target: o.target, outcome: 'ok', details: { file, status } });
        process.stdout.write(`CRL added to ${o.target}: ${status}\n`);
      });
    });

  pki
    .command('renew')
    .description("Renew the hub's own certificate (same key; trusted, rejected and issuer lists are kept)")
    .option('--days <days>', 'validity in days', '3650')
    .action(async (o: { days: string }, cmd: Command) => {
      const days = Number(o.days);
      if (!Number.isInteger(days) || days < 30 || days > 7300)
        throw new Error(`--days must be a whole number 30..7300, not "${o.days}"`);
      await withPki(dirOf(cmd), async (p) => {
        const { previous, current } = await p.renewOwnCertificate(days);
        audit(auditOf(cmd), {
          action: 'pki.renew',
          target: current.thumbprint,
          outcome: 'ok',
          details: { previous: previous.thumbprint, notAfter: current.notAfter.toISOString() },
        });
        process.stdout.write(
          `renewed: ${current.thumbprint} valid until ${current.notAfter.toISOString().slice(0, 10)} (was ${previous.thumbprint}); give servers that trust the hub the new certificate: ${current.certificateFile}\n`,
        );
      });
    });
}
