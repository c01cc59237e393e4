export { type MqttSourceConfig, type MqttSourceInput, mqttSourceSchema } from './config.js';
export { parseJsonValue } from './json.js';
export { createMqttSource, type MqttSourceDeps } from './source.js';
