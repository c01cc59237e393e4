import mqtt, { type MqttClient } from 'mqtt';
import { SOURCE_KINDS } from '../../../src/sources/index.js';
import { MOSQUITTO_URL, silent } from '../../uns/helpers.js';
import { LIVENESS, RECONNECT, sourceConformance } from './suite.js';

const prefix = `conf-${process.pid}-${Date.now()}`;
let publisher: MqttClient | undefined;
let timer: NodeJS.Timeout | undefined;

/** MQTT: the real Mosquitto on 127.0.0.1:1883; a device publishes two JSON values every 100 ms. */
sourceConformance({
  kind: 'mqtt',
  async start() {
    const client = await mqtt.connectAsync(MOSQUITTO_URL, { reconnectPeriod: 0 });
    publisher = client;
    let n = 0;
    timer = setInterval(() => {
      n++;
      client.publish(`${prefix}/line1/m1/speed`, JSON.stringify({ value: n, unit: 'rpm' }), { qos: 1 });
      client.publish(`${prefix}/line1/m1/temperature`, JSON.stringify({ value: 20 + (n % 5) }), { qos: 1 });
    }, 100);
    return 1883;
  },
  source(port) {
    const config = SOURCE_KINDS.mqtt.schema.parse({
      kind: 'mqtt',
      name: 'conf-mqtt',
      broker: { url: `mqtt://127.0.0.1:${port}` },
      topics: [`${prefix}/#`],
      topicPrefix: prefix,
      session: 'clean',
      reconnect: RECONNECT,
      liveness: LIVENESS,
    });
    return SOURCE_KINDS.mqtt.create(config, { logger: silent } as never);
  },
  async stop() {
    clearInterval(timer);
    await publisher?.endAsync();
  },
});
