import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import { z } from 'zod';
import { secret } from '../../config/types.js';
import { GotthardError } from '../../errors.js';

/**
 * An MQTT client connection as config and as mqtt.js options: shared by the MQTT source and the UNS
 * publisher (and the MQTT delivery connector), so both sides of a broker speak the same settings.
 */

export const connectionFields = {
  url: z
    .string()
    .regex(
      /^(mqtts?|wss?):\/\/[^\s/]+(\/.*)?$/,
      'expected an MQTT URL such as mqtt://broker:1883 or mqtts://broker:8883',
    )
    .describe('Broker URL: `mqtt://host:1883`, `mqtts://host:8883` (TLS), `ws://` or `wss://`.'),
  username: z.string().min(1).optional().describe('User name.'),
  password: secret('Password. Secret: never logged.').optional(),
  caFile: z.string().optional().describe('PEM file of the CA(s) that signed the broker certificate (mqtts).'),
  certFile: z.string().optional().describe('Client certificate (PEM) for certificate authentication (mqtts).'),
  keyFile: z.string().optional().describe('Private key (PEM) of `certFile`. Secret file.').meta({ 'x-secret': true }),
  rejectUnauthorized: z
    .boolean()
    .default(true)
    .describe('Refuse a broker certificate not signed by a trusted CA. Turn off only for a lab.'),
};

export function checkConnection(
  b: {
    certFile?: string | undefined;
    keyFile?: string | undefined;
    username?: string | undefined;
    password?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if ((b.certFile === undefined) !== (b.keyFile === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [b.certFile === undefined ? 'certFile' : 'keyFile'],
      message: 'certFile and keyFile go together: give both for certificate authentication, or neither',
    });
  }
  if ((b.password === undefined) !== (b.username === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['password'], message: 'username and password go together' });
  }
}

/** A client connection to a broker (used by the UNS publisher and the MQTT source). */
export const mqttConnectionSchema = z
  .object(connectionFields)
  .strict()
  .superRefine(checkConnection)
  .describe('An MQTT broker connection: URL, TLS files, user name and password.');

export type MqttConnectionConfig = z.output<typeof mqttConnectionSchema>;

/** Where and how to connect, resolved from the config (files read here, at start, not at load). */
export interface BrokerTarget {
  url: string;
  options: IClientOptions;
}

function readPem(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new GotthardError(
      'GT_CONFIG_INVALID',
      `${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      { path },
      { cause: err },
    );
  }
}

/** MQTT client options of an external connection (URL, TLS files, credentials). */
export function connectionTarget(cfg: MqttConnectionConfig, where: string): BrokerTarget {
  const options: IClientOptions = { rejectUnauthorized: cfg.rejectUnauthorized };
  if (cfg.username !== undefined) options.username = cfg.username;
  if (cfg.password !== undefined) options.password = cfg.password;
  if (cfg.caFile) options.ca = readPem(cfg.caFile, `${where}.caFile`);
  if (cfg.certFile) options.cert = readPem(cfg.certFile, `${where}.certFile`);
  if (cfg.keyFile) options.key = readPem(cfg.keyFile, `${where}.keyFile`);
  return { url: cfg.url, options };
}

/** The URL without credentials, for health and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}
