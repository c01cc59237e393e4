import { hostname } from 'node:os';
import type { Command } from 'commander';
import { type CertificateEntry, openPki } from '../../pki/index.js';
import { cliLogger } from '../log.js';

const DEFAULT_DIR = './data/pki';

function row(c: CertificateEntry): string {
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
    .option('--dir <dir>', 'PKI folder (own / trusted / rejected / issuers)', DEFAULT_DIR);
  const dirOf = (cmd: Command): string => (cmd.parent?.opts() as { dir?: string } | undefined)?.dir ?? DEFAULT_DIR;

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
      });
    });

  pki
    .command('trust')
    .description(
      'Trust a server certificate: a thumbprint from `pki list` (moves it from rejected) or a certificate file',
    )
    .argument('<thumbprint-or-file>')
    .action(async (what: string, _o: unknown, cmd: Command) => {
      await withPki(dirOf(cmd), async (p) => process.stdout.write(`${row(await p.trust(what))}\n`));
    });

  pki
    .command('reject')
    .description('Reject a server certificate (moves it from trusted to rejected)')
    .argument('<thumbprint>')
    .action(async (what: string, _o: unknown, cmd: Command) => {
      await withPki(dirOf(cmd), async (p) => process.stdout.write(`${row(await p.reject(what))}\n`));
    });

  pki
    .command('remove')
    .description('Delete a trusted or rejected server certificate')
    .argument('<thumbprint>')
    .action(async (what: string, _o: unknown, cmd: Command) => {
      await withPki(dirOf(cmd), async (p) => process.stdout.write(`removed ${row(await p.remove(what))}\n`));
    });
}
