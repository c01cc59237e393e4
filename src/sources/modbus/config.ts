import { z } from 'zod';
import { duration } from '../../config/types.js';
import { livenessSchema, reconnectSchema } from '../../runtime/index.js';

const segmentPath = z
  .string()
  .regex(
    /^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/,
    'use lower-case path segments of [a-z0-9_-] separated by "/", e.g. hydraulics/pressure',
  );

export const MODBUS_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', 'bool'] as const;
export type ModbusType = (typeof MODBUS_TYPES)[number];
export const MODBUS_AREAS = ['holding', 'input', 'coil', 'discrete'] as const;
export const ORDERS = ['big', 'little'] as const;

export const registerSchema = z
  .object({
    tag: segmentPath.describe('UNS path below `assetPrefix`, e.g. `hydraulics/pressure`.'),
    area: z
      .enum(MODBUS_AREAS)
      .default('holding')
      .describe('Modbus table: `holding` (FC 3), `input` (FC 4) registers, `coil` (FC 1), `discrete` inputs (FC 2).'),
    address: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .describe('0-based protocol address (register 40001 in the 1-based "Modicon" notation is address 0).'),
    type: z
      .enum(MODBUS_TYPES)
      .default('uint16')
      .describe(
        'Data type: 16-bit (one register), 32-bit (two), float64 (four), or `bool` (a coil/discrete input, or `bit` of a register).',
      ),
    bit: z
      .number()
      .int()
      .min(0)
      .max(15)
      .optional()
      .describe('For `bool` in a register: the bit (0 = least significant).'),
    byteOrder: z.enum(ORDERS).optional().describe('Override of the source `byteOrder` for this value.'),
    wordOrder: z.enum(ORDERS).optional().describe('Override of the source `wordOrder` for this value.'),
    factor: z.number().finite().default(1).describe('Scaling: engineering value = raw × factor + offset.'),
    offset: z.number().finite().default(0).describe('Scaling offset.'),
    unit: z.string().max(32).optional().describe('Engineering unit, e.g. `bar`, `°C`.'),
  })
  .strict()
  .superRefine((r, ctx) => {
    const bitTable = r.area === 'coil' || r.area === 'discrete';
    if (bitTable && r.type !== 'bool') {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `a ${r.area} holds one bit: use type bool (got ${r.type})`,
      });
    }
    if (r.bit !== undefined && (bitTable || r.type !== 'bool')) {
      ctx.addIssue({
        code: 'custom',
        path: ['bit'],
        message: '`bit` selects a bit of a holding/input register for type bool only',
      });
    }
    if (!bitTable && r.type === 'bool' && r.bit === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bit'],
        message: 'type bool in a register needs `bit` (0–15), or use area coil/discrete',
      });
    }
  })
  .describe('One value in the register map.');

export const modbusSourceSchema = z
  .object({
    kind: z.literal('modbus').describe('Source kind.'),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, "_" and "-"')
      .describe('Connection name, used in lineage, events and health, e.g. `press1-plc`.'),
    host: z.string().min(1).describe('Modbus TCP server (PLC, gateway) host name or address.'),
    port: z.number().int().min(1).max(65535).default(502).describe('Modbus TCP port.'),
    unitId: z
      .number()
      .int()
      .min(0)
      .max(255)
      .default(1)
      .describe('Unit identifier (slave id behind a gateway; 255 or 1 for most PLCs).'),
    assetPrefix: segmentPath.describe(
      'UNS path of the machine these registers belong to, e.g. `acme/zurich/pressing/line2/press1`.',
    ),
    pollInterval: duration('How often every register is read, e.g. `1s`.').default(1000),
    timeout: duration('Longest wait for one response.').default(2000),
    byteOrder: z
      .enum(ORDERS)
      .default('big')
      .describe('Byte order inside a 16-bit register: `big` (Modbus standard, AB) or `little` (BA).'),
    wordOrder: z
      .enum(ORDERS)
      .default('big')
      .describe(
        'Order of registers in 32/64-bit values: `big` = high word first (ABCD), `little` = low word first (CDAB).',
      ),
    maxRegistersPerRead: z
      .number()
      .int()
      .min(1)
      .max(125)
      .default(120)
      .describe('Registers per request when neighbouring addresses are read together (Modbus allows 125).'),
    reconnect: reconnectSchema,
    liveness: livenessSchema,
    retentionClass: z.string().min(1).optional().describe('Retention class of these tags.'),
    registers: z.array(registerSchema).min(1).describe('The register map.'),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Every answered request is a contact; a healthy link can go pollInterval + timeout without one.
    if (c.liveness > 0 && c.liveness < c.pollInterval + c.timeout) {
      ctx.addIssue({
        code: 'custom',
        path: ['liveness'],
        message: `liveness (${c.liveness} ms) is shorter than pollInterval + timeout (${c.pollInterval + c.timeout} ms): one slow poll would count as a lost connection; raise liveness to at least ${c.pollInterval + c.timeout} ms, or 0 to turn the check off`,
      });
    }
    const seen = new Map<string, number>();
    c.registers.forEach((r, i) => {
      const j = seen.get(r.tag);
      if (j !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['registers', i, 'tag'],
          message: `tag "${r.tag}" is already used by registers[${j}]`,
        });
      }
      seen.set(r.tag, i);
      const end = r.address + WORDS[r.type] - 1;
      if (end > 65535) {
        ctx.addIssue({
          code: 'custom',
          path: ['registers', i, 'address'],
          message: `${r.type} at ${r.address} runs past address 65535`,
        });
      }
    });
  })
  .describe('A Modbus TCP server polled for a register map (legacy PLCs, meters, drives).');

/** Registers a type occupies. */
export const WORDS: Record<ModbusType, number> = {
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  float32: 2,
  float64: 4,
  bool: 1,
};

export type ModbusSourceConfig = z.output<typeof modbusSourceSchema>;
export type ModbusSourceInput = z.input<typeof modbusSourceSchema>;
export type RegisterConfig = z.output<typeof registerSchema>;
