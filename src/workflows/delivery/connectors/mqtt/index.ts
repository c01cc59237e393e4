/** Built-in connector of `mqtt.publish` rule actions (the UNS broker or `connectors.mqtt`). */
export { MqttConnector } from './connector.js';
