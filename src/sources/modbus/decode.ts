import type { ModbusType } from './config.js';

export type Order = 'big' | 'little';

/**
 * Decodes a value from consecutive 16-bit registers as received (each register big-endian on the
 * wire, Modbus Application Protocol 1.1b, 4.2). `byteOrder` little swaps the two bytes of each
 * register; `wordOrder` little puts the low word first (the "CDAB" layout many PLCs use for 32-bit
 * values). Returns the raw number before scaling.
 */
export function decodeRegisters(
  words: Buffer,
  type: ModbusType,
  byteOrder: Order,
  wordOrder: Order,
  bit?: number,
): number {
  const n = words.length / 2;
  const regs: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const w = Buffer.from(words.subarray(i * 2, i * 2 + 2));
    if (byteOrder === 'little') w.reverse();
    regs.push(w);
  }
  if (wordOrder === 'little') regs.reverse();
  const b = Buffer.concat(regs);
  switch (type) {
    case 'int16':
      return b.readInt16BE(0);
    case 'uint16':
      return b.readUInt16BE(0);
    case 'int32':
      return b.readInt32BE(0);
    case 'uint32':
      return b.readUInt32BE(0);
    case 'float32':
      return b.readFloatBE(0);
    case 'float64':
      return b.readDoubleBE(0);
    case 'bool':
      return (b.readUInt16BE(0) >> (bit ?? 0)) & 1;
  }
}

/** The inverse, for tests and simulators: the registers (as on the wire) holding `value`. */
export function encodeRegisters(value: number, type: ModbusType, byteOrder: Order, wordOrder: Order): Buffer {
  const size = type === 'float64' ? 8 : type === 'int32' || type === 'uint32' || type === 'float32' ? 4 : 2;
  const b = Buffer.alloc(size);
  switch (type) {
    case 'int16':
      b.writeInt16BE(value);
      break;
    case 'uint16':
    case 'bool':
      b.writeUInt16BE(value);
      break;
    case 'int32':
      b.writeInt32BE(value);
      break;
    case 'uint32':
      b.writeUInt32BE(value);
      break;
    case 'float32':
      b.writeFloatBE(value);
      break;
    case 'float64':
      b.writeDoubleBE(value);
      break;
  }
  const regs: Buffer[] = [];
  for (let i = 0; i < size / 2; i++) regs.push(Buffer.from(b.subarray(i * 2, i * 2 + 2)));
  if (wordOrder === 'little') regs.reverse();
  for (const r of regs) if (byteOrder === 'little') r.reverse();
  return Buffer.concat(regs);
}
