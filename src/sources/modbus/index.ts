export {
  MODBUS_TYPES,
  type ModbusSourceConfig,
  type ModbusSourceInput,
  modbusSourceSchema,
  type RegisterConfig,
} from './config.js';
export { decodeRegisters, encodeRegisters } from './decode.js';
export {
  createModbusSource,
  type ModbusSourceDeps,
  planReads,
  STATUS_BAD_COMMUNICATION_ERROR,
  STATUS_BAD_DEVICE_FAILURE,
  STATUS_BAD_TIMEOUT,
} from './source.js';
