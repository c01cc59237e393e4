import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import { GotthardError } from '../errors.js';
import type { EmbeddedBroker } from './broker.js';
import type { BrokerConfig, MqttConnectionConfig } from './config.js';

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

/**
 * MQTT client options for a broker config: the embedded broker (with the hub's internal account) or
 * an external URL with TLS CA / client certificate / user name and password. `where` names the
 * config path for errors, e.g. `uns.broker`.
 */
export function brokerTarget(cfg: BrokerConfig, embedded: EmbeddedBroker | undefined, where: string): BrokerTarget {
  if (cfg.mode === 'embedded') {
    if (!embedded) throw new GotthardError('GT_INTERNAL', `${where}: the embedded broker is not running`);
    return {
      url: embedded.url,
      options: { username: embedded.internalUser.username, password: embedded.internalUser.password },
    };
  }
  return connectionTarget(cfg, where);
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
