#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { isGotthardError } from '../errors.js';
import { VERSION } from '../hub/index.js';
import { registerAudit } from './commands/audit.js';
import { registerClientCommands } from './commands/client.js';
import { registerConfig } from './commands/config.js';
import { registerImportExport } from './commands/import.js';
import { registerPdm } from './commands/pdm.js';
import { registerPki } from './commands/pki.js';
import { registerSim } from './commands/sim.js';
import { registerStart } from './commands/start.js';

// stdout is for command output (e.g. `read --json`); libraries that print through console.log
// (node-opcua's warnings) go to stderr with the logs.
console.log = console.error;
console.info = console.error;
console.warn = console.error;

const program = new Command()
  .name('gotthard')
  .description('Gotthard: OPC UA to historian, unified namespace and API — an IT/OT convergence hub')
  .version(VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerStart(program);
registerSim(program);
registerClientCommands(program);
registerPki(program);
registerConfig(program);
registerImportExport(program);
registerPdm(program);
registerAudit(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const code = isGotthardError(err) ? `${err.code}: ` : '';
  process.stderr.write(`gotthard: ${code}${(err as Error).message}\n`);
  process.exit(isGotthardError(err) && err.kind === 'config' ? 2 : 1);
}
