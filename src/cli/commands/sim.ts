import type { Command } from 'commander';
import { cliLogger } from '../log.js';
import { intOption, numberOption } from '../options.js';

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('Run the demo plant alone: an OPC UA server simulating a precision-manufacturing plant')
    .option('--port <port>', 'OPC UA port', intOption('--port'), 4840)
    .option('--machines <n>', 'scale mode: this many machines instead of the standard plant', intOption('--machines'))
    .option('--seed <n>', 'seed for a repeatable run', intOption('--seed'), 42)
    .option('--speed <factor>', 'simulated-time acceleration, e.g. 600', numberOption('--speed'), 1)
    .option('--update-interval <ms>', 'value update period in ms', intOption('--update-interval'), 1000)
    .option('--pki <dir>', "the server's PKI folder", './data/demo-plant/pki')
    .option('--allow-none', 'also offer SecurityPolicy None endpoints (unencrypted; for old clients only)')
    .option('--require-trusted-clients', 'refuse client certificates that are not in <pki>/trusted')
    .option('--log-level <level>', 'fatal, error, warn, info, debug', 'info')
    .action(
      async (opts: {
        port: number;
        machines?: number;
        seed: number;
        speed: number;
        updateInterval: number;
        pki: string;
        allowNone?: boolean;
        requireTrustedClients?: boolean;
        logLevel: string;
      }) => {
        const log = cliLogger(opts.logLevel);
        const { startDemoPlant } = await import('../../sim/index.js');
        const plant = await startDemoPlant({
          port: opts.port,
          machines: opts.machines,
          seed: opts.seed,
          speed: opts.speed,
          updateIntervalMs: opts.updateInterval,
          pkiDir: opts.pki,
          allowSecurityNone: opts.allowNone === true,
          trustAllClients: opts.requireTrustedClients !== true,
          logger: log,
        });
        process.stderr.write(
          `\nDemo plant running at ${plant.endpointUrl} with ${plant.machines.length} machines.\n` +
            `Server certificate: ${plant.certificateFile}\nStop with Ctrl+C.\n\n`,
        );
        const stop = () => {
          plant.stop().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        // SIGUSR2 holds or resumes the tick loop and prints how many values the plant has written:
        // what a load generator needs for exact accounting (npm run bench counts loss with it).
        let paused = false;
        process.on('SIGUSR2', () => {
          paused = !paused;
          if (paused) plant.pause();
          else plant.resume();
          process.stderr.write(`${paused ? 'paused' : 'resumed'} writes ${plant.tickStats().writes}\n`);
        });
      },
    );
}
