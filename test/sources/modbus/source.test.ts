import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Modbus from 'jsmodbus';
import { STATUS_BAD_NO_COMMUNICATION } from '../../../src/model/status.js';
import { SOURCE_KINDS } from '../../../src/sources/index.js';
import {
  decodeRegisters,
  encodeRegisters,
  modbusSourceSchema,
  planReads,
  STATUS_BAD_DEVICE_FAILURE,
} from '../../../src/sources/modbus/index.js';
import { freePort, waitFor } from '../../helpers/net.js';
import { tempDir } from '../../historian/helpers.js';
import { openHistorian, silent } from '../../uns/helpers.js';
import { eventLog, recordingSink } from '../helpers.js';

const tmp = tempDir('gotthard-modbus-');
after(() => tmp.cleanup());

/** A Modbus TCP server from jsmodbus, on a real socket. */
async function modbusServer(port: number) {
  const holding = Buffer.alloc(200); // 100 registers
  const input = Buffer.alloc(20);
  const coils = Buffer.alloc(4);
  const sockets = new Set<Socket>();
  const net: Server = createServer();
  net.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  new Modbus.server.TCP(net, { holding, input, coils });
  await new Promise<void>((r) => net.listen(port, '127.0.0.1', r));
  return {
    holding,
    input,
    coils,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        net.close(() => r());
      }),
  };
}

test('register decoding: every type in every byte and word order', () => {
  const cases: [Parameters<typeof encodeRegisters>[1], number][] = [
    ['int16', -1234],
    ['uint16', 54321],
    ['int32', -123_456_789],
    ['uint32', 4_000_000_000],
    ['float32', 3.5],
    ['float64', -1234.56789012345],
  ];
  for (const [type, v] of cases) {
    for (const bo of ['big', 'little'] as const) {
      for (const wo of ['big', 'little'] as const) {
        assert.equal(decodeRegisters(encodeRegisters(v, type, bo, wo), type, bo, wo), v, `${type} ${bo}/${wo}`);
      }
    }
  }
  // Known wire layouts: float32 1.0 = 0x3F800000; "CDAB" puts the low word first.
  assert.equal(decodeRegisters(Buffer.from([0x3f, 0x80, 0x00, 0x00]), 'float32', 'big', 'big'), 1);
  assert.equal(decodeRegisters(Buffer.from([0x00, 0x00, 0x3f, 0x80]), 'float32', 'big', 'little'), 1);
  assert.equal(decodeRegisters(Buffer.from([0x80, 0x3f, 0x00, 0x00]), 'float32', 'little', 'big'), 1);
  assert.equal(decodeRegisters(Buffer.from([0x00, 0x00, 0x80, 0x3f]), 'float32', 'little', 'little'), 1);
  assert.equal(decodeRegisters(Buffer.from([0x00, 0x04]), 'bool', 'big', 'big', 2), 1);
  assert.equal(decodeRegisters(Buffer.from([0x00, 0x04]), 'bool', 'big', 'big', 1), 0);
});

test('config errors name the register and the key', () => {
  const base = { kind: 'modbus', name: 'p', host: 'plc', assetPrefix: 'acme/zurich/pressing/line2/press1' };
  const r = (regs: unknown[]) => modbusSourceSchema.safeParse({ ...base, registers: regs });
  assert.deepEqual(r([{ tag: 'a', area: 'coil', address: 0, type: 'float32' }]).error?.issues[0]?.path, [
    'registers',
    0,
    'type',
  ]);
  assert.deepEqual(r([{ tag: 'a', address: 0, type: 'bool' }]).error?.issues[0]?.path, ['registers', 0, 'bit']);
  assert.deepEqual(
    r([
      { tag: 'a', address: 0 },
      { tag: 'a', address: 1 },
    ]).error?.issues[0]?.path,
    ['registers', 1, 'tag'],
  );
  assert.deepEqual(r([{ tag: 'a', address: 65535, type: 'float64' }]).error?.issues[0]?.path, [
    'registers',
    0,
    'address',
  ]);
  const c = modbusSourceSchema.parse({ ...base, registers: [{ tag: 'a', address: 0 }], pollInterval: '250ms' });
  assert.equal(c.pollInterval, 250);
  assert.equal(c.port, 502);
  assert.equal(c.registers[0]?.type, 'uint16');
});

test('neighbouring registers are read together', () => {
  const c = modbusSourceSchema.parse({
    kind: 'modbus',
    name: 'p',
    host: 'plc',
    assetPrefix: 'a/b',
    registers: [
      { tag: 'a', address: 0, type: 'float32' },
      { tag: 'b', address: 2, type: 'float64' },
      { tag: 'c', address: 100 },
      { tag: 'd', area: 'coil', address: 3, type: 'bool' },
    ],
  });
  const blocks = planReads(c.registers, 120);
  assert.deepEqual(
    blocks.map((b) => [b.area, b.start, b.count, b.items.length]),
    [
      ['holding', 0, 6, 2],
      ['holding', 100, 1, 1],
      ['coil', 3, 1, 1],
    ],
  );
});

test('polls a jsmodbus TCP server: types, orders, scaling, units, coils; a read past the server table → BadDeviceFailure; lost server → gap, then reconnects', async (t) => {
  const port = await freePort();
  let server = await modbusServer(port);
  const h = server.holding;
  encodeRegisters(-42, 'int16', 'big', 'big').copy(h, 0);
  encodeRegisters(1234, 'uint16', 'big', 'big').copy(h, 2); // scaled ×0.1 → 123.4
  encodeRegisters(-100_000, 'int32', 'big', 'big').copy(h, 4);
  encodeRegisters(3_000_000_000, 'uint32', 'big', 'little').copy(h, 8); // CDAB
  encodeRegisters(21.5, 'float32', 'little', 'little').copy(h, 12); // DCBA
  encodeRegisters(Math.PI, 'float64', 'big', 'big').copy(h, 16);
  h.writeUInt16BE(0b1000, 24); // bit 3 set
  encodeRegisters(77, 'uint16', 'big', 'big').copy(server.input, 0);
  server.coils.writeUInt8(0b10, 0); // coil 1 on
  const config = modbusSourceSchema.parse({
    kind: 'modbus',
    name: 'press1-plc',
    host: '127.0.0.1',
    port,
    assetPrefix: 'acme/zurich/pressing/line2/press1',
    pollInterval: 100,
    timeout: 1000,
    reconnect: { initialDelay: 100, maxDelay: 200 },
    registers: [
      { tag: 'a/int16', address: 0, type: 'int16' },
      { tag: 'a/scaled', address: 1, type: 'uint16', factor: 0.1, offset: 0, unit: 'bar' },
      { tag: 'a/int32', address: 2, type: 'int32' },
      { tag: 'a/uint32', address: 4, type: 'uint32', wordOrder: 'little' },
      {
        tag: 'a/float32',
        address: 6,
        type: 'float32',
        byteOrder: 'little',
        wordOrder: 'little',
        factor: 2,
        offset: -3,
        unit: '°C',
      },
      { tag: 'a/float64', address: 8, type: 'float64' },
      { tag: 'a/bit3', address: 12, type: 'bool', bit: 3 },
      { tag: 'a/input', area: 'input', address: 0 },
      { tag: 'a/coil0', area: 'coil', address: 0, type: 'bool' },
      { tag: 'a/coil1', area: 'coil', address: 1, type: 'bool' },
      { tag: 'a/missing', address: 150 }, // beyond the server's 100 registers
    ],
  });
  const historian = await openHistorian(join(tmp.dir, 'poll'));
  const { sink, rows } = recordingSink();
  const log = eventLog();
  const src = SOURCE_KINDS.modbus.create(config, { logger: silent } as never);
  t.after(async () => {
    await src.stop();
    await server.stop();
    await historian.close();
  });
  await src.start({ catalog: historian, sink, events: log.sink, log: silent });
  await waitFor('a poll', () => rows.length >= config.registers.length, 5000, 20);
  const tags = await historian.listTags();
  const byName = new Map(tags.map((x) => [x.id.split('/').slice(-1)[0], x]));
  const first = (name: string) => rows.find((r) => r.key === byName.get(name)?.key);
  assert.equal(first('int16')?.value, -42);
  assert.ok(Math.abs((first('scaled')?.value as number) - 123.4) < 1e-9);
  assert.equal(first('int32')?.value, -100_000);
  assert.equal(first('uint32')?.value, 3_000_000_000);
  assert.equal(first('float32')?.value, 21.5 * 2 - 3);
  assert.equal(first('float64')?.value, Math.PI);
  assert.equal(first('bit3')?.value, 1);
  assert.equal(first('input')?.value, 77);
  assert.equal(first('coil0')?.value, 0);
  assert.equal(first('coil1')?.value, 1);
  assert.equal(first('missing')?.status, STATUS_BAD_DEVICE_FAILURE);
  assert.equal(first('missing')?.value, null);
  assert.equal(byName.get('scaled')?.unit, 'bar');
  assert.equal(byName.get('float32')?.unit, '°C');
  assert.equal(byName.get('bit3')?.dataType, 'Boolean');
  assert.equal(byName.get('scaled')?.lineage.nodeId, 'holding:1:uint16');
  assert.equal(src.health().state, 'connected');

  // A value changes on the PLC: the next poll sees it.
  encodeRegisters(-7, 'int16', 'big', 'big').copy(h, 0);
  await waitFor('new value', () => rows.some((r) => r.key === byName.get('int16')?.key && r.value === -7), 3000, 20);

  // The server goes away: one BadNoCommunication row per tag, then reconnection when it is back.
  await server.stop();
  await waitFor(
    'gap markers',
    () => rows.filter((r) => r.status === STATUS_BAD_NO_COMMUNICATION).length === config.registers.length,
    5000,
    20,
  );
  assert.ok(log.events.some((e) => e.kind === 'connection.lost'));
  server = await modbusServer(port);
  encodeRegisters(5, 'int16', 'big', 'big').copy(server.holding, 0);
  await waitFor('reconnected', () => rows.some((r) => r.key === byName.get('int16')?.key && r.value === 5), 10_000, 50);
  assert.equal(src.health().reconnects, 1);
  assert.ok(log.events.some((e) => e.kind === 'connection.restored'));
});
