import mqtt, { type MqttClient } from 'mqtt';
import type { BrokerTarget } from '../../../../uns/index.js';
import { redactUrl } from '../../../../uns/index.js';
import { type Connector, type DeliveryContext, DeliveryError, type DeliveryOutcome } from '../types.js';

/**
 * `mqtt.publish` rule actions, to the UNS broker (its own client session) or `connectors.mqtt`.
 * QoS 1 is acknowledged by the broker's PUBACK before the entry counts as delivered; QoS 0 once the
 * packet is written. MQTT has no idempotency key: a publish can repeat if the hub stops between the
 * PUBACK and marking the entry delivered (at least once).
 */
export class MqttConnector implements Connector {
  readonly kind = 'mqtt';
  readonly name = 'mqtt';
  readonly sink = 'mqtt:actions';
  readonly target: string;
  readonly workOrders = false;
  readonly actions = ['mqtt.publish'] as const;
  private client: MqttClient | undefined;

  constructor(
    private readonly broker: BrokerTarget,
    private readonly clientId: string,
  ) {
    this.target = redactUrl(broker.url);
  }

  private connected(signal: AbortSignal): Promise<MqttClient> {
    if (!this.client) {
      this.client = mqtt.connect(this.broker.url, {
        ...this.broker.options,
        clientId: this.clientId,
        clean: true,
        reconnectPeriod: 2000,
        connectTimeout: 10_000,
      });
      this.client.on('error', () => {
        // Reported through the failing publish; the client reconnects by itself.
      });
    }
    const c = this.client;
    if (c.connected) return Promise.resolve(c);
    return new Promise((resolve, reject) => {
      const done = () => {
        c.off('connect', onConnect);
        signal.removeEventListener('abort', onAbort);
      };
      const onConnect = () => {
        done();
        resolve(c);
      };
      const onAbort = () => {
        done();
        reject(new DeliveryError(`MQTT ${this.target}: not connected`, false, false));
      };
      c.on('connect', onConnect);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async deliver(ctx: DeliveryContext): Promise<DeliveryOutcome> {
    const p = ctx.entry.payload;
    if (p.type !== 'action' || p.action.kind !== 'mqtt.publish') {
      throw new DeliveryError('the mqtt connector delivers mqtt.publish actions only', true);
    }
    const a = p.action;
    const c = await this.connected(ctx.signal);
    try {
      await c.publishAsync(a.topic, a.payload, { qos: a.qos, retain: a.retain });
    } catch (err) {
      throw new DeliveryError(`MQTT publish to ${a.topic} failed: ${(err as Error).message}`, false, true, {
        cause: err,
      });
    }
    return {};
  }

  async close(): Promise<void> {
    await this.client?.endAsync(true).catch(() => undefined);
  }
}
