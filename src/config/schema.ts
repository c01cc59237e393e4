import { z } from 'zod';
import { IMPORT_SOURCE, importsSchema } from '../analytics/history/config.js';
import { kpiConfigSchema } from '../analytics/kpi/config.js';
import { pdmConfigSchema } from '../analytics/pdm/config.js';
import { securitySchema } from '../security/auth/config.js';
import { governanceSchema } from '../security/governance/config.js';
import { writesSchema } from '../security/writes/config.js';
import { sourceConfigSchema } from '../sources/index.js';
import { unsSchema } from '../uns/config.js';
import { workflowsConfigSchema } from '../workflows/config.js';
import { connectorsSchema } from '../workflows/delivery/config.js';
import { duration, secret } from './types.js';

const segment = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, "_" and "-" (a unified-namespace path segment)');

const machineSchema = z
  .object({
    id: segment.describe('Path segment of the machine, e.g. `cnc1`.'),
    name: z.string().optional().describe('Display name.'),
    description: z.string().optional(),
  })
  .strict();

const lineSchema = z
  .object({
    id: segment.describe('Path segment of the line, e.g. `line1`.'),
    name: z.string().optional(),
    machines: z.array(machineSchema).default([]).describe('Machines of this line (more are added from browse rules).'),
  })
  .strict();

const areaSchema = z
  .object({
    id: segment.describe('Path segment of the area, e.g. `machining`.'),
    name: z.string().optional(),
    lines: z.array(lineSchema).default([]),
  })
  .strict();

const siteSchema = z
  .object({
    id: segment.describe('Path segment of the site, e.g. `zurich`.'),
    name: z.string().optional(),
    timezone: z.string().default('UTC').describe('IANA time zone of the site, e.g. `Europe/Zurich`.'),
    areas: z.array(areaSchema).default([]),
  })
  .strict();

export const assetModelSchema = z
  .object({
    enterprise: z
      .object({ id: segment.describe('Path segment of the enterprise, e.g. `acme`.'), name: z.string().optional() })
      .strict()
      .default({ id: 'acme' }),
    sites: z.array(siteSchema).default([]).describe('ISA-95 sites with their areas, lines and machines.'),
  })
  .strict()
  .describe(
    'The ISA-95 hierarchy (enterprise / site / area / line / machine). Tags found by browse rules add their assets automatically.',
  );

const retentionRuleSchema = z
  .object({
    class: z.string().min(1).describe('Retention class; `default` applies to tags without one.'),
    maxAge: duration('Keep values this long, e.g. `90d`.'),
  })
  .strict();

const historianPostgresSchema = z
  .object({
    connectionString: secret(
      'libpq connection URI of the historian database, e.g. `postgresql://gotthard:${PGPASSWORD}@db:5432/plant`.',
    ),
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _, starting with a letter or _')
      .default('gotthard')
      .describe('Schema for the historian tables; created if missing. Central hubs sharing a store use the same one.'),
    poolSize: z.number().int().min(1).max(100).default(4).describe('Connections in the pool.'),
  })
  .strict()
  .describe('PostgreSQL historian (with `engine: postgres`); uses TimescaleDB when the extension is available.');

export const historianSchema = z
  .object({
    engine: z
      .enum(['sqlite', 'postgres'])
      .default('sqlite')
      .describe('Storage engine. `sqlite` is the embedded default; `postgres` writes to a shared PostgreSQL database.'),
    postgres: historianPostgresSchema.optional(),
    path: z.string().optional().describe('Database file. Default: `<dataDir>/historian.db`.'),
    flushInterval: duration(
      'How often accepted values are made durable. After a crash at most this much is missing.',
    ).default(1000), // 1 s
    retention: z
      .array(retentionRuleSchema)
      .default([{ class: 'default', maxAge: 365 * 86_400_000 }])
      .describe('Retention per class of tag; applied in the background without blocking ingestion.'),
  })
  .strict()
  .superRefine((h, ctx) => {
    if (h.engine === 'postgres' && h.postgres === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['postgres'],
        message: 'engine "postgres" needs historian.postgres.connectionString',
      });
    }
  })
  .default({ engine: 'sqlite', flushInterval: 1000, retention: [{ class: 'default', maxAge: 365 * 86_400_000 }] })
  .describe('The historian (see docs/historian.md).');

export const httpSchema = z
  .object({
    host: z
      .string()
      .default('127.0.0.1')
      .describe(
        'Address the HTTP API listens on. `0.0.0.0` for all interfaces; anything but a loopback address is served over HTTPS (see `tls`).',
      ),
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(8080)
      .describe('HTTP port. The environment variable `GOTTHARD_HTTP_PORT` overrides it.'),
    tls: z
      .object({
        mode: z
          .enum(['auto', 'on', 'off'])
          .default('auto')
          .describe(
            '`auto`: HTTPS unless the listen host is a loopback address; `on`: always HTTPS; `off`: plain HTTP (only behind a TLS-terminating proxy).',
          ),
        cert: z
          .string()
          .optional()
          .describe(
            'PEM certificate (chain) file. Without cert/key a self-signed one is generated in `<dataDir>/tls`.',
          ),
        key: z.string().optional().describe('PEM private key file of `cert`.').meta({ 'x-secret': true }),
      })
      .strict()
      .default({ mode: 'auto' })
      .describe('HTTPS (see docs/security.md).'),
    hstsMaxAge: duration('HSTS max-age sent under HTTPS; 0 sends no HSTS header.').default(180 * 86_400_000),
    corsOrigins: z
      .array(z.url())
      .default([])
      .describe(
        'Browser origins (e.g. `https://grafana.example.com`) allowed to call the API with an API token; none by default. Cookies never work cross-origin.',
      ),
    bodyLimit: z
      .number()
      .int()
      .min(1024)
      .default(1_048_576)
      .describe(
        'Largest JSON request body in bytes; larger ones get 413. CSV imports stream and are not limited by it.',
      ),
  })
  .strict()
  .default({
    host: '127.0.0.1',
    port: 8080,
    tls: { mode: 'auto' },
    hstsMaxAge: 180 * 86_400_000,
    corsOrigins: [],
    bodyLimit: 1_048_576,
  })
  .describe('The HTTP API (REST under /api/v1, OpenAPI at /api/v1/openapi.json).');

export const demoSchema = z
  .object({
    port: z.number().int().min(1).max(65535).default(4841).describe('OPC UA port of the in-process demo plant.'),
    seed: z.number().int().default(42).describe('Seed of the simulation, for repeatable runs.'),
    speed: z.number().positive().default(1).describe('Simulated-time acceleration.'),
    machines: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Scale mode: this many machines instead of the standard plant.'),
  })
  .strict()
  .default({ port: 4841, seed: 42, speed: 1 });

export const configSchema = z
  .object({
    dataDir: z
      .string()
      .default('./data')
      .describe('Folder for the historian, the PKI and other state. Relative paths resolve against the config file.'),
    log: z
      .object({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info')
          .describe('Log level; `gotthard start --log-level` overrides it.'),
      })
      .strict()
      .default({ level: 'info' })
      .describe('Structured logs (pino, JSON lines on stderr).'),
    http: httpSchema,
    pki: z
      .object({
        dir: z
          .string()
          .optional()
          .describe('OPC UA PKI folder (own / trusted / rejected / issuers). Default `<dataDir>/pki`.'),
      })
      .strict()
      .default({})
      .describe("The hub's OPC UA certificates; manage them with `gotthard pki`."),
    assets: assetModelSchema.default({ enterprise: { id: 'acme' }, sites: [] }),
    historian: historianSchema,
    sources: z.array(sourceConfigSchema).default([]).describe('Connections to the shop floor, e.g. OPC UA servers.'),
    imports: importsSchema,
    demo: demoSchema.describe('Settings of the built-in demo plant, used by `gotthard start --demo`.'),
    uns: unsSchema.optional(),
    kpi: kpiConfigSchema.prefault({}),
    pdm: pdmConfigSchema,
    writes: writesSchema,
    governance: governanceSchema,
    workflows: workflowsConfigSchema.prefault({}),
    connectors: connectorsSchema.prefault({}),
    security: securitySchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    // Import-only tags carry the lineage source `import`: a connection of that name would claim them.
    if (c.imports.length > 0) {
      c.sources.forEach((s, i) => {
        if (s.name === IMPORT_SOURCE) {
          ctx.addIssue({
            code: 'custom',
            path: ['sources', i, 'name'],
            message: `source name "${IMPORT_SOURCE}" is reserved for the tags declared under imports; rename the source`,
          });
        }
      });
    }
    // A retention class named by a source must be defined, or its tags would silently keep forever.
    const classes = new Set(c.historian.retention.map((r) => r.class));
    c.sources.forEach((s, i) => {
      if (s.kind !== 'opcua') {
        if (s.retentionClass !== undefined && !classes.has(s.retentionClass)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sources', i, 'retentionClass'],
            message: `retention class "${s.retentionClass}" is not defined in historian.retention (defined: ${[...classes].join(', ')})`,
          });
        }
        return;
      }
      const uses: [PropertyKey[], string | undefined][] = [
        ...s.browse.map((b, j): [PropertyKey[], string | undefined] => [['browse', j], b.retentionClass]),
        ...s.nodes.map((n, j): [PropertyKey[], string | undefined] => [['nodes', j], n.retentionClass]),
      ];
      for (const [path, cls] of uses) {
        if (cls !== undefined && !classes.has(cls)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sources', i, ...path, 'retentionClass'],
            message: `retention class "${cls}" is not defined in historian.retention (defined: ${[...classes].join(', ')})`,
          });
        }
      }
    });
  });

export type GotthardConfig = z.output<typeof configSchema>;
export type GotthardConfigInput = z.input<typeof configSchema>;
