import { GotthardError } from '../errors.js';
import { type BrokerTarget, connectionTarget } from '../protocols/mqtt/index.js';
import type { EmbeddedBroker } from './broker.js';
import type { BrokerConfig } from './config.js';

export { type BrokerTarget, connectionTarget, redactUrl } from '../protocols/mqtt/index.js';

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
