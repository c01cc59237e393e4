import { z } from 'zod';
import { mqttConnectionSchema } from '../../protocols/mqtt/index.js';
import { livenessSchema, reconnectSchema } from '../../runtime/index.js';

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, "_" and "-"')
  .describe('Connection name, used in lineage, events and health, e.g. `line4-mqtt`.');

const filter = z
  .string()
  .min(1)
  .regex(/^[^$]/, 'a topic filter such as `acme/#`; set `sharedGroup` instead of writing `$share/...` yourself')
  .regex(/^(?:[^#]*\/)?#?$|^[^#]*$/, '`#` may only be the last level of a filter');

export const mqttSourceSchema = z
  .object({
    kind: z.literal('mqtt').describe('Source kind.'),
    name,
    broker: mqttConnectionSchema,
    format: z
      .enum(['json', 'sparkplug'])
      .default('json')
      .describe(
        '`json`: the topic is the tag id, the payload a number/boolean/string or `{ value, ts, unit, statusCode | quality }` (what `uns.format: json` publishes). `sparkplug`: spBv1.0 NBIRTH/DBIRTH/DDATA/NDEATH/DDEATH.',
      ),
    topics: z
      .array(filter)
      .min(1)
      .optional()
      .describe('Topic filters to subscribe to. Default: `#` (json) or `spBv1.0/#` (sparkplug).'),
    topicPrefix: z
      .string()
      .regex(/^([^/+#\s]+(\/[^/+#\s]+)*)?$/, 'a topic prefix such as `uns` without wildcards or slashes at the ends')
      .default('')
      .describe('JSON: removed from the topic before it becomes the tag id (the publisher’s `uns.topicPrefix`).'),
    assetDepth: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe(
        'How many leading segments of a tag id form its asset path (ISA-95 enterprise/site/area/line/machine = 5); at most all but the last.',
      ),
    sharedGroup: z
      .string()
      .regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, "_" and "-"')
      .optional()
      .describe(
        'MQTT shared subscription group: data topics are subscribed as `$share/<group>/<filter>`, so several central hubs with the same group share the load (each message goes to one of them). Sparkplug births and deaths are still received by every hub.',
      ),
    qos: z
      .union([z.literal(0), z.literal(1)])
      .default(1)
      .describe('Subscription QoS.'),
    session: z
      .enum(['persistent', 'clean'])
      .default('persistent')
      .describe(
        '`persistent`: the broker keeps the subscription and queues QoS 1 messages while the hub is away (fixed client id). `clean`: start afresh on every connect.',
      ),
    clientId: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]+$/)
      .optional()
      .describe('MQTT client id. Default `gotthard-<name>-<host name>`.'),
    gapMarkers: z
      .enum(['auto', 'always', 'never'])
      .default('auto')
      .describe(
        'Write a BadNoCommunication row for every known tag when the broker connection is lost (and for a Sparkplug node or device on its death). `auto`: yes, except with `sharedGroup` (another hub may still receive the data).',
      ),
    retentionClass: z.string().min(1).optional().describe('Retention class of the tags of this source.'),
    reconnect: reconnectSchema,
    liveness: livenessSchema,
  })
  .strict()
  .describe('An MQTT subscription: devices or edge hubs that already publish JSON or Sparkplug B.');

export type MqttSourceConfig = z.output<typeof mqttSourceSchema>;
export type MqttSourceInput = z.input<typeof mqttSourceSchema>;
