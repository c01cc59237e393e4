import { z } from 'zod';
import { duration } from '../../config/types.js';
import { livenessSchema, reconnectSchema } from '../../runtime/index.js';

/**
 * Config schema of one OPC UA source, declared once as data. Defaults live here and nowhere else;
 * the JSON Schema and docs are generated from it (`z.toJSONSchema`).
 */

const ms = (description: string) => z.number().int().nonnegative().describe(description);

export const deadbandSchema = z
  .object({
    type: z
      .enum(['none', 'absolute', 'percent'])
      .default('none')
      .describe(
        'DataChangeFilter deadband (OPC UA Part 4, 7.22.2). `absolute`: report only changes larger than `value` in engineering units; `percent`: larger than `value` % of the EURange (AnalogItems only).',
      ),
    value: z.number().nonnegative().default(0).describe('Deadband size: engineering units or percent of EURange.'),
  })
  .strict()
  .describe('Deadband applied by the server before it reports a change.');

export const subscriptionSchema = z
  .object({
    publishingIntervalMs: ms('How often the server sends collected changes (CreateSubscription).').default(1000),
    samplingIntervalMs: ms('How often the server samples each value; 0 = as fast as the server can.').default(250),
    queueSize: z.number().int().min(1).default(10).describe('Values the server queues per item between two publishes.'),
    discardOldest: z
      .boolean()
      .default(true)
      .describe('When the queue is full, drop the oldest value (else the newest).'),
    deadband: deadbandSchema.default({ type: 'none', value: 0 }),
  })
  .strict()
  .describe('Subscription and monitored item parameters.');

/** The same fields without defaults: a per-node or per-rule override of the source defaults. */
export const subscriptionOverrideSchema = z
  .object({
    publishingIntervalMs: ms('Override of the publishing interval.').optional(),
    samplingIntervalMs: ms('Override of the sampling interval.').optional(),
    queueSize: z.number().int().min(1).optional().describe('Override of the queue size.'),
    discardOldest: z.boolean().optional().describe('Override of discardOldest.'),
    deadband: z
      .object({
        type: z.enum(['none', 'absolute', 'percent']).describe('Deadband type.'),
        value: z.number().nonnegative().default(0).describe('Deadband size.'),
      })
      .strict()
      .optional()
      .describe('Override of the deadband.'),
  })
  .strict()
  .describe('Overrides of the source-wide `subscription` defaults.');

const segmentPath = z
  .string()
  .regex(
    /^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/,
    'use lower-case path segments of [a-z0-9_-] separated by "/", e.g. machining/line1/cnc1/spindle/speed',
  );

const retentionClassSchema = z
  .string()
  .min(1)
  .optional()
  .describe('Retention class of these tags (see `historian.retention`); default `default`.');

export const nodeSchema = z
  .object({
    nodeId: z
      .string()
      .min(1)
      .describe('NodeId, preferably with namespace URI: `nsu=urn:plant;s=Line1.Speed` (or `ns=2;s=...`, `i=2258`).'),
    tag: segmentPath.describe('UNS path below `assetPrefix`, e.g. `machining/line1/cnc1/spindle/speed`.'),
    assetLevels: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('How many leading segments of `tag` name the asset; default: all but the last.'),
    retentionClass: retentionClassSchema,
    subscription: subscriptionOverrideSchema.optional(),
  })
  .strict()
  .describe('One explicitly configured variable.');

export const browseRuleSchema = z
  .object({
    root: z
      .string()
      .min(1)
      .describe(
        'Where to start: a browse path of BrowseNames from the Root folder, e.g. `/Objects/DemoPlant`, or a NodeId (`nsu=...;s=...`).',
      ),
    levels: z
      .array(z.string().min(1))
      .default(['area', 'line', 'machine'])
      .describe(
        'Names of the asset levels: the first N segments below `root` form the asset path (ISA-95 area, line, machine).',
      ),
    include: z
      .array(z.string().min(1))
      .default(['**'])
      .describe('Glob patterns on the browse path relative to root (`*` one segment, `**` any depth).'),
    exclude: z.array(z.string().min(1)).default([]).describe('Glob patterns to leave out; win over `include`.'),
    variableTypes: z
      .union([z.literal('all'), z.array(z.string().min(1)).min(1)])
      .default(['AnalogItemType', 'DataItemType', 'BaseDataVariableType', 'AnalogUnitType', 'TwoStateDiscreteType'])
      .describe('TypeDefinition BrowseNames of variables to take, or `all`.'),
    maxDepth: z.number().int().min(1).default(16).describe('Deepest level below root that is browsed.'),
    retentionClass: retentionClassSchema,
    subscription: subscriptionOverrideSchema.optional(),
  })
  .strict()
  .describe('A browse rule: every matching variable below `root` becomes a tag.');

const identitySchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('anonymous').describe('No user; the server must allow anonymous.') }).strict(),
    z
      .object({
        type: z.literal('username').describe('User name and password (encrypted by the security policy).'),
        username: z.string().min(1).describe('User name.'),
        password: z.string().min(1).describe('Password. Secret: never logged.').meta({ 'x-secret': true }),
      })
      .strict(),
    z
      .object({
        type: z.literal('certificate').describe('X.509 user certificate.'),
        certificateFile: z.string().min(1).describe('User certificate file (PEM or DER).'),
        privateKeyFile: z.string().min(1).describe('Its private key (PEM). Secret file.').meta({ 'x-secret': true }),
      })
      .strict(),
  ])
  .describe('The user identity the session is activated with.');

export const SECURITY_MODES = ['SignAndEncrypt', 'Sign', 'None'] as const;
export const SECURITY_POLICIES = ['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss', 'None'] as const;

export const opcuaSourceSchema = z
  .object({
    kind: z.literal('opcua').describe('Source kind.'),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, "_" and "-"')
      .describe('Connection name, used in lineage, events and health, e.g. `demo-plant`.'),
    endpoint: z
      .string()
      .regex(/^opc\.tcp:\/\/[^\s/:]+(:\d+)?(\/.*)?$/, 'expected an opc.tcp URL, e.g. opc.tcp://plc1:4840')
      .describe('Server endpoint URL, e.g. `opc.tcp://plc1:4840`.'),
    securityMode: z
      .enum(SECURITY_MODES)
      .default('SignAndEncrypt')
      .describe('MessageSecurityMode. `None` must be asked for together with securityPolicy `None`.'),
    securityPolicy: z.enum(SECURITY_POLICIES).default('Basic256Sha256').describe('SecurityPolicy (OPC UA Part 7).'),
    identity: identitySchema.default({ type: 'anonymous' }),
    assetPrefix: segmentPath.describe('UNS prefix of all assets of this source, e.g. `acme/zurich`.'),
    nodes: z.array(nodeSchema).default([]).describe('Explicit variables.'),
    browse: z.array(browseRuleSchema).default([]).describe('Browse rules that discover variables.'),
    subscription: subscriptionSchema.default({
      publishingIntervalMs: 1000,
      samplingIntervalMs: 250,
      queueSize: 10,
      discardOldest: true,
      deadband: { type: 'none', value: 0 },
    }),
    reconnect: reconnectSchema,
    liveness: livenessSchema,
    sessionTimeout: duration(
      'Requested session timeout (CreateSession, OPC UA Part 4, 5.6.2): how long the server keeps the session and its subscriptions without a request from the hub, e.g. `60s`.',
    ).default(60_000),
    connectTimeout: duration(
      'Longest time for one connection attempt: secure channel, session and, on the first connect, tag discovery and subscriptions (minutes at 100k tags). Each service call inside is bounded by `requestTimeoutMs` as well; a server that hangs is given up and retried with backoff.',
    ).default(300_000),
    browseBatchSize: z
      .number()
      .int()
      .min(1)
      .default(500)
      .describe('Nodes per Browse / Read request while discovering tags.'),
    maxMonitoredItemsPerCall: z
      .number()
      .int()
      .min(1)
      .default(10_000)
      .describe('Monitored items per CreateMonitoredItems request (node-opcua servers allow 10000).'),
    requestTimeoutMs: ms('Timeout of one service request.').default(30_000),
    clockJumpThresholdMs: ms(
      'A step of the device clock (newest SourceTimestamp of a notification − its PublishTime, or its arrival time when the server sends none) larger than this, held for 3 notifications, is reported as a `source.clock_jump` event; values stay at their source timestamps. 0 turns it off.',
    ).default(30_000),
  })
  .strict()
  .superRefine((c, ctx) => {
    const modeNone = c.securityMode === 'None';
    const policyNone = c.securityPolicy === 'None';
    if (modeNone !== policyNone) {
      ctx.addIssue({
        code: 'custom',
        path: modeNone ? ['securityPolicy'] : ['securityMode'],
        message: modeNone
          ? `securityMode None needs securityPolicy None (got ${c.securityPolicy}); for an encrypted connection use securityMode SignAndEncrypt`
          : `securityPolicy None needs securityMode None (got ${c.securityMode}); pick a policy such as Basic256Sha256 or set both to None`,
      });
    }
    if (c.nodes.length === 0 && c.browse.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['nodes'], message: 'configure at least one entry in `nodes` or `browse`' });
    }
  })
  .describe('An OPC UA server connection (client side: the hub subscribes to the server).');

export type OpcuaSourceConfig = z.output<typeof opcuaSourceSchema>;
export type OpcuaSourceInput = z.input<typeof opcuaSourceSchema>;
export type SubscriptionParams = z.output<typeof subscriptionSchema>;
export type SubscriptionOverride = z.output<typeof subscriptionOverrideSchema>;

/** Merges a per-node or per-rule override over the source defaults. */
export function effectiveSubscription(
  base: SubscriptionParams,
  o: SubscriptionOverride | undefined,
): SubscriptionParams {
  if (!o) return base;
  return {
    publishingIntervalMs: o.publishingIntervalMs ?? base.publishingIntervalMs,
    samplingIntervalMs: o.samplingIntervalMs ?? base.samplingIntervalMs,
    queueSize: o.queueSize ?? base.queueSize,
    discardOldest: o.discardOldest ?? base.discardOldest,
    deadband: o.deadband ?? base.deadband,
  };
}
