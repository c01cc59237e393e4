export {
  type BrokerTarget,
  checkConnection,
  connectionFields,
  connectionTarget,
  type MqttConnectionConfig,
  mqttConnectionSchema,
  redactUrl,
} from './connection.js';
export {
  encodeJsonPayload,
  type JsonRow,
  jsonValueSchema,
  type ParsedValue,
  parseJsonValue,
  type UnsJsonPayload,
  unsTopic,
} from './json.js';
export {
  decodeSparkplug,
  encodeSparkplug,
  metricStatus,
  NAMESPACE as SPARKPLUG_NAMESPACE,
  REBIRTH_METRIC,
  toNumber,
  type UMetric,
  type UPayload,
} from './sparkplug.js';
