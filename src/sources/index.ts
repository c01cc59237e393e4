import type { Logger } from 'pino';
import { z } from 'zod';
import type { Source } from '../pipeline/types.js';
import type { HubPki } from '../pki/index.js';
import { createModbusSource, type ModbusSourceConfig, modbusSourceSchema } from './modbus/index.js';
import { createMqttSource, type MqttSourceConfig, mqttSourceSchema } from './mqtt/index.js';
import { type OpcuaSourceConfig, opcuaSourceSchema } from './opcua/config.js';
import { createOpcuaSource } from './opcua/index.js';

export { type CommandOutcome, isMachineCommandTarget, type MachineCommandTarget } from '../runtime/index.js';

/** What every source factory gets besides its own config. */
export interface SourceDeps {
  pki: HubPki;
  logger: Logger;
}

export interface SourceKind<C> {
  readonly kind: string;
  /** The config schema of one source of this kind (declared once, as data). */
  readonly schema: z.ZodType<C>;
  create(config: C, deps: SourceDeps): Source;
}

/**
 * The source registry: every kind of source the hub can run, registered explicitly. The config's
 * `sources[].kind` selects one; there is no if/else dispatch anywhere else.
 */
export const SOURCE_KINDS = {
  opcua: {
    kind: 'opcua',
    schema: opcuaSourceSchema,
    create: (config, deps) => createOpcuaSource(config, deps),
  } satisfies SourceKind<OpcuaSourceConfig>,
  mqtt: {
    kind: 'mqtt',
    schema: mqttSourceSchema,
    create: (config, deps) => createMqttSource(config, { logger: deps.logger }),
  } satisfies SourceKind<MqttSourceConfig>,
  modbus: {
    kind: 'modbus',
    schema: modbusSourceSchema,
    create: (config, deps) => createModbusSource(config, { logger: deps.logger }),
  } satisfies SourceKind<ModbusSourceConfig>,
} as const;

export type SourceKindName = keyof typeof SOURCE_KINDS;

type RegisteredSchema = (typeof SOURCE_KINDS)[SourceKindName]['schema'];

/**
 * The schema of `sources[]`: a union discriminated by `kind`, built from the registry, so a new
 * source kind is its folder plus its line in SOURCE_KINDS and nothing else.
 */
export const sourceConfigSchema = z.discriminatedUnion(
  'kind',
  Object.values(SOURCE_KINDS).map((k) => k.schema) as [RegisteredSchema, ...RegisteredSchema[]],
);

export type SourceConfig = z.output<typeof sourceConfigSchema>;

export function createSource(config: SourceConfig, deps: SourceDeps): Source {
  const entry = SOURCE_KINDS[config.kind] as SourceKind<SourceConfig>;
  return entry.create(config, deps);
}
