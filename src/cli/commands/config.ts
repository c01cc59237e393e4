import type { Command } from 'commander';
import { configJsonSchema, loadConfigFile } from '../../config/index.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('Check a config file or print the config JSON Schema');
  config
    .command('check')
    .description('Validate a YAML config file (no network calls); errors name the file, line and YAML path')
    .argument('<file>')
    .action((file: string) => {
      const c = loadConfigFile(file);
      process.stdout.write(`${file}: valid (${c.sources.length} source(s), data in ${c.dataDir})\n`);
    });
  config
    .command('schema')
    .description('Print the JSON Schema of the config file (generated from the one schema in src/config)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
