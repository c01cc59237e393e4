export { parseJsonValue } from '../../protocols/mqtt/index.js';
export { type MqttSourceConfig, type MqttSourceInput, mqttSourceSchema } from './config.js';
export { createMqttSource, type MqttSourceDeps } from './source.js';
