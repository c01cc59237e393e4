import { z } from 'zod';
import { secret } from '../config/types.js';
import { outboxSchema } from '../pipeline/outbox/index.js';
import { checkConnection, connectionFields, mqttConnectionSchema } from '../protocols/mqtt/index.js';
import { livenessSchema, reconnectSchema } from '../runtime/index.js';

export { mqttConnectionSchema };

/**
 * Config schema of the unified-namespace publisher (`uns:`), declared once as data. Absent = off:
 * the hub publishes nothing and opens no broker port, also under `--demo`.
 */

const userSchema = z
  .object({
    username: z.string().min(1).describe('User name MQTT clients connect with.'),
    password: secret('Password. Secret: never logged.'),
    publish: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^(?:[^#]*\/)?#?$|^[^#]*$/, '`#` may only be the last level of a filter'),
      )
      .optional()
      .describe(
        'Topic filters this user may publish to (e.g. `spBv1.0/#` for edge nodes). Default: any topic outside the hub’s own unified namespace, which only the hub writes.',
      ),
  })
  .strict();

export const embeddedBrokerSchema = z
  .object({
    mode: z.literal('embedded').describe('Run an MQTT broker (aedes) inside the hub: the single-machine default.'),
    host: z
      .string()
      .default('127.0.0.1')
      .describe('Address the embedded broker listens on; `0.0.0.0` lets other machines connect.'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(1884)
      .describe('TCP port. 1884 by default so it never collides with a system broker on 1883.'),
    users: z
      .array(userSchema)
      .default([])
      .describe('Accounts other clients (dashboards, Node-RED, central hubs) connect with. The hub itself needs none.'),
    allowAnonymous: z
      .boolean()
      .default(false)
      .describe('Accept clients without user name. Off by default: set `users` instead.'),
  })
  .strict();

export const externalBrokerSchema = z
  .object({
    mode: z.literal('external').describe('Publish to an existing broker (Mosquitto, EMQX, HiveMQ cluster).'),
    ...connectionFields,
  })
  .strict()
  .superRefine(checkConnection);

export const brokerSchema = z
  .discriminatedUnion('mode', [embeddedBrokerSchema, externalBrokerSchema])
  .describe('Which broker: `embedded` (aedes in the hub) or `external` (a URL).');

const groupOrNode = z
  .string()
  .regex(/^[^/+#\s]+$/, 'Sparkplug ids may not contain "/", "+", "#" or spaces (spBv1.0 topic namespace)');

export const sparkplugSchema = z
  .object({
    groupId: groupOrNode
      .optional()
      .describe(
        'Sparkplug group id. Default: `<enterprise>-<site>` of the asset model (enterprise only if several sites).',
      ),
    edgeNodeId: groupOrNode.optional().describe('Sparkplug edge node id. Default: `uns.nodeId`.'),
  })
  .strict()
  .describe('Sparkplug B mapping: group = enterprise/site, edge node = this hub, device = machine asset.');

export const unsSchema = z
  .object({
    format: z
      .enum(['json', 'sparkplug'])
      .default('json')
      .describe(
        '`json`: one topic per tag (its UNS path), JSON payload, retained. `sparkplug`: spBv1.0 with births, aliases and death certificates.',
      ),
    nodeId: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'use letters, digits, "_", "." and "-"')
      .optional()
      .describe('Name of this hub on the broker (MQTT client id, Sparkplug edge node id). Default: the host name.'),
    topicPrefix: z
      .string()
      .regex(
        /^([^/+#\s]+(\/[^/+#\s]+)*)?$/,
        'a topic prefix such as `uns` or `v1/uns`, without wildcards or slashes at the ends',
      )
      .default('')
      .describe('Prepended to every JSON topic: `<prefix>/<tag id>`. Empty: the tag id is the topic.'),
    qos: z
      .union([z.literal(0), z.literal(1)])
      .default(1)
      .describe(
        'MQTT QoS of values. 1: a value leaves the outbox only after the broker acknowledged it (PUBACK). 0: after it was written to the socket (at most once). Sparkplug B recommends 0; 1 keeps the no-loss guarantee.',
      ),
    retain: z.boolean().default(true).describe('JSON format: retain the last value of each tag on the broker.'),
    broker: brokerSchema.default({ mode: 'embedded', host: '127.0.0.1', port: 1884, users: [], allowAnonymous: false }),
    sparkplug: sparkplugSchema.default({}),
    reconnect: reconnectSchema,
    liveness: livenessSchema,
    outbox: outboxSchema.default({ maxRows: 1_000_000, overflow: 'dropOldest', batchRows: 500 }),
  })
  .strict()
  .describe(
    'Unified namespace: publish every value to MQTT under its ISA-95 path (see docs/uns.md). Absent: nothing is published.',
  );

export type UnsConfig = z.output<typeof unsSchema>;
export type UnsConfigInput = z.input<typeof unsSchema>;
export type BrokerConfig = z.output<typeof brokerSchema>;
export type ExternalBrokerConfig = z.output<typeof externalBrokerSchema>;
export type { MqttConnectionConfig } from '../protocols/mqtt/index.js';
export type EmbeddedBrokerConfig = z.output<typeof embeddedBrokerSchema>;
