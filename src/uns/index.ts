export { type EmbeddedBroker, startEmbeddedBroker } from './broker.js';
export {
  type BrokerConfig,
  brokerSchema,
  type MqttConnectionConfig,
  mqttConnectionSchema,
  type UnsConfig,
  type UnsConfigInput,
  unsSchema,
} from './config.js';
export { type BrokerTarget, brokerTarget, connectionTarget, redactUrl } from './connection.js';
export { encodeJsonPayload, type UnsJsonPayload, unsTopic } from './json.js';
export { type TagDirectory, UnsPublisher, type UnsPublisherOptions } from './publisher.js';
export {
  decodeSparkplug,
  deviceAndMetric,
  encodeSparkplug,
  metricStatus,
  NAMESPACE as SPARKPLUG_NAMESPACE,
  REBIRTH_METRIC,
  SparkplugEdgeNode,
  toNumber,
  type UMetric,
  type UPayload,
} from './sparkplug.js';
