import { z } from 'zod';

/**
 * Options of the demo plant, declared once: defaults, limits and descriptions live here and
 * nowhere else (the CLI and README take them from this schema).
 */
export const demoPlantOptionsSchema = z
  .object({
    port: z.number().int().min(1).max(65535).default(4840).describe('TCP port of the OPC UA server.'),
    host: z
      .string()
      .min(1)
      .default('localhost')
      .describe(
        'Host name written into the endpoint URLs and the certificate. The server listens on all interfaces; ' +
          'clients may connect through 127.0.0.1 as well.',
      ),
    machines: z
      .number()
      .int()
      .min(1)
      .max(20_000)
      .optional()
      .describe('Scale mode: this many machines (lines of ten, mostly CNCs). Unset: the standard plant.'),
    seed: z.number().int().default(42).describe('Seed of the simulation; the same seed gives the same physics.'),
    speed: z
      .number()
      .positive()
      .max(10_000_000)
      .default(1)
      .describe('Simulated-time acceleration; 600 makes one real minute ten simulated hours.'),
    updateIntervalMs: z
      .number()
      .int()
      .min(50)
      .max(60_000)
      .default(1000)
      .describe('Real-time period of the physics tick and of the value updates, ms.'),
    pkiDir: z
      .string()
      .min(1)
      .describe("The server's PKI folder; its certificate is created there on first start (own/certs)."),
    allowSecurityNone: z
      .boolean()
      .default(false)
      .describe('Also offer SecurityPolicy None endpoints (unencrypted; for old clients only).'),
    trustAllClients: z
      .boolean()
      .default(true)
      .describe('Accept unknown client certificates. false: only certificates in <pkiDir>/trusted/certs.'),
    stateFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'JSON file keeping the machines’ counters, totalisers, wear and setpoints across restarts (as a real machine does over a power cycle). Unset: every start begins from the seed.',
      ),
    simStart: z
      .union([z.number(), z.date()])
      .optional()
      .describe('Start of the simulated clock (epoch ms or Date). Default: now. Tests pin it for repeatability.'),
  })
  .strict();

export type DemoPlantConfig = z.infer<typeof demoPlantOptionsSchema>;

/** The defaults, for the CLI and docs; derived from the schema so that they are written only once. */
export const demoPlantDefaults: Readonly<Omit<DemoPlantConfig, 'pkiDir'>> = (() => {
  const { pkiDir: _pkiDir, ...defaults } = demoPlantOptionsSchema.parse({ pkiDir: '-' });
  return Object.freeze(defaults);
})();

/** The OPC UA resource path of the demo plant's endpoints. */
export const RESOURCE_PATH = '/gotthard/demo';

/** Demo user name and password accepted besides Anonymous (documented, not a secret). */
export const DEMO_USER = Object.freeze({ userName: 'operator', password: 'gotthard-demo' });
