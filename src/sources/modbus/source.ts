import { Socket } from 'node:net';
import Modbus from 'jsmodbus';
import type { Logger } from 'pino';
import { SampleBatch } from '../../model/sample.js';
import { STATUS_BAD_NO_COMMUNICATION, statusName } from '../../model/status.js';
import type { TagDefinition } from '../../model/tag.js';
import type { ConnectionState, Source, SourceContext, SourceHealth } from '../../pipeline/types.js';
import { type ModbusSourceConfig, type RegisterConfig, WORDS } from './config.js';
import { decodeRegisters } from './decode.js';

export interface ModbusSourceDeps {
  logger: Logger;
}

/** OPC UA StatusCodes for Modbus failures (OPC UA Part 4, 7.39). */
export const STATUS_BAD_COMMUNICATION_ERROR = 0x80050000;
export const STATUS_BAD_TIMEOUT = 0x800a0000;
export const STATUS_BAD_DEVICE_FAILURE = 0x808b0000;

type ModbusClient = InstanceType<typeof Modbus.client.TCP>;

/** One read request: a run of neighbouring addresses of one table, and the values in it. */
export interface ReadBlock {
  area: RegisterConfig['area'];
  start: number;
  count: number;
  items: { reg: RegisterConfig; index: number }[];
}

/** Groups the register map into as few requests as possible (neighbours within 8 addresses). */
export function planReads(registers: readonly RegisterConfig[], maxRegisters: number): ReadBlock[] {
  const blocks: ReadBlock[] = [];
  const byArea = new Map<string, { reg: RegisterConfig; index: number }[]>();
  registers.forEach((reg, index) => {
    const list = byArea.get(reg.area) ?? [];
    list.push({ reg, index });
    byArea.set(reg.area, list);
  });
  for (const [area, list] of byArea) {
    const bits = area === 'coil' || area === 'discrete';
    const max = bits ? 2000 : maxRegisters;
    list.sort((a, b) => a.reg.address - b.reg.address);
    let cur: ReadBlock | undefined;
    for (const it of list) {
      const words = bits ? 1 : WORDS[it.reg.type];
      const end = it.reg.address + words;
      if (cur && it.reg.address - (cur.start + cur.count) <= 8 && end - cur.start <= max) {
        cur.count = Math.max(cur.count, end - cur.start);
        cur.items.push(it);
      } else {
        cur = { area: area as ReadBlock['area'], start: it.reg.address, count: words, items: [it] };
        blocks.push(cur);
      }
    }
  }
  return blocks;
}

export function createModbusSource(config: ModbusSourceConfig, deps: ModbusSourceDeps): Source {
  return new ModbusSource(config, deps);
}

/**
 * A Modbus TCP client source (jsmodbus): polls a register map every `pollInterval`, decodes each
 * value (type, byte and word order), scales it (raw × factor + offset) and writes one batch per
 * poll with the poll's receive time as source timestamp (Modbus carries no timestamps).
 *
 * Failures are values too: a read that times out gives its tags BadTimeout, a Modbus exception
 * BadDeviceFailure, any other failed read BadCommunicationError; a lost connection writes one
 * BadNoCommunication gap marker per tag and reconnects with exponential backoff. Polls never
 * overlap: the next one is scheduled when the previous one finished.
 */
class ModbusSource implements Source {
  readonly kind = 'modbus';
  readonly marksGaps = true;
  readonly name: string;
  private ctx: SourceContext | undefined;
  private readonly log: Logger;
  private socket: Socket | undefined;
  private client: ModbusClient | undefined;
  private state: ConnectionState = 'disconnected';
  private stopped = false;
  private keys: number[] = [];
  private readonly blocks: ReadBlock[];
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private polling: Promise<void> = Promise.resolve();
  private h = {
    valuesReceived: 0,
    lastValueAt: undefined as number | undefined,
    connectedSince: undefined as number | undefined,
    reconnects: 0,
    lastError: undefined as string | undefined,
    failedReads: 0,
  };

  constructor(
    readonly config: ModbusSourceConfig,
    deps: ModbusSourceDeps,
  ) {
    this.name = config.name;
    this.log = deps.logger;
    this.blocks = planReads(config.registers, config.maxRegistersPerRead);
  }

  private get endpoint(): string {
    return `modbus-tcp://${this.config.host}:${this.config.port}/${this.config.unitId}`;
  }

  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    const c = this.config;
    const defs: TagDefinition[] = c.registers.map((r) => ({
      id: `${c.assetPrefix}/${r.tag}`,
      assetPath: c.assetPrefix,
      name: r.tag,
      dataType:
        r.type === 'bool'
          ? 'Boolean'
          : r.type.startsWith('float') || r.factor !== 1 || r.offset !== 0
            ? 'Double'
            : 'Int',
      ...(r.unit ? { unit: r.unit } : {}),
      lineage: {
        source: c.name,
        endpoint: this.endpoint,
        nodeId: `${r.area}:${r.address}${r.bit !== undefined ? `.${r.bit}` : ''}:${r.type}`,
      },
      ...(c.retentionClass ? { retentionClass: c.retentionClass } : {}),
    }));
    this.keys = await ctx.catalog.register(defs);
    this.log.info(
      { endpoint: this.endpoint, tags: defs.length, requests: this.blocks.length },
      'Modbus source registered its tags',
    );
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const c = this.config;
    this.state = this.h.reconnects > 0 || this.attempt > 0 ? 'reconnecting' : 'connecting';
    const socket = new Socket();
    this.socket = socket;
    const client = new Modbus.client.TCP(socket, c.unitId, c.timeout);
    let opened = false;
    socket.on('connect', () => {
      opened = true;
      this.client = client;
      const restored = this.attempt > 0 || this.h.reconnects > 0;
      this.attempt = 0;
      this.state = 'connected';
      this.h.connectedSince = Date.now();
      this.h.lastError = undefined;
      this.log.info({ endpoint: this.endpoint }, 'Modbus connected');
      if (restored) {
        this.h.reconnects++;
        this.ctx?.events.emit({
          ts: Date.now(),
          kind: 'connection.restored',
          severity: 'info',
          source: this.name,
          message: `Modbus server ${this.endpoint} reconnected`,
        });
      }
      this.schedule(0);
    });
    socket.on('error', (err) => {
      this.h.lastError = err.message;
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.client = undefined;
      if (this.timer) clearTimeout(this.timer);
      if (this.stopped) return;
      if (opened) this.markGap();
      this.state = 'reconnecting';
      const delay = Math.min(c.reconnect.initialDelayMs * 2 ** Math.min(this.attempt, 10), c.reconnect.maxDelayMs);
      this.attempt++;
      this.timer = setTimeout(() => this.connect(), delay);
      this.timer.unref();
    });
    socket.setNoDelay(true);
    socket.connect({ host: c.host, port: c.port });
  }

  private markGap(): void {
    const ts = Date.now();
    const batch = new SampleBatch(this.keys.length);
    for (const k of this.keys) batch.push(k, ts, ts, Number.NaN, STATUS_BAD_NO_COMMUNICATION);
    if (batch.length > 0) this.ctx?.sink.write(batch);
    this.h.connectedSince = undefined;
    const message = `connection to ${this.endpoint} lost; ${this.keys.length} tag(s) marked BadNoCommunication, reconnecting`;
    this.log.warn(message);
    this.ctx?.events.emit({ ts, kind: 'connection.lost', severity: 'warning', source: this.name, message });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.polling = this.poll()
        .catch((err: unknown) => {
          this.h.lastError = err instanceof Error ? err.message : String(err);
          this.log.error({ err }, 'Modbus poll failed');
        })
        .finally(() => {
          if (this.client) this.schedule(Math.max(0, this.config.pollInterval - (Date.now() - started)));
        });
    }, delayMs);
    this.timer.unref();
  }

  /** One pass over the register map. */
  private async poll(): Promise<void> {
    const client = this.client;
    const ctx = this.ctx;
    if (!client || !ctx) return;
    const c = this.config;
    const batch = new SampleBatch(c.registers.length);
    for (const block of this.blocks) {
      let words: Buffer | undefined;
      let bits: ArrayLike<number | boolean> | undefined;
      let status = 0;
      try {
        if (block.area === 'holding')
          words = (await client.readHoldingRegisters(block.start, block.count)).response.body.valuesAsBuffer;
        else if (block.area === 'input')
          words = (await client.readInputRegisters(block.start, block.count)).response.body.valuesAsBuffer;
        else if (block.area === 'coil')
          bits = (await client.readCoils(block.start, block.count)).response.body.valuesAsArray;
        else bits = (await client.readDiscreteInputs(block.start, block.count)).response.body.valuesAsArray;
      } catch (err) {
        const e = err as { err?: string; message?: string };
        status =
          e.err === 'Timeout'
            ? STATUS_BAD_TIMEOUT
            : e.err === 'ModbusException'
              ? STATUS_BAD_DEVICE_FAILURE
              : STATUS_BAD_COMMUNICATION_ERROR;
        this.h.failedReads++;
        this.h.lastError = `${block.area} ${block.start}+${block.count}: ${e.message ?? e.err ?? String(err)} (${statusName(status)})`;
        this.log.warn(
          { area: block.area, start: block.start, count: block.count, err: e.message ?? e.err },
          'Modbus read failed',
        );
        if (this.stopped || !this.client) return;
      }
      const got = words ? words.length / 2 : bits ? bits.length : block.count;
      if (status === 0 && got < block.count) {
        // Some servers answer a read past their table with fewer registers instead of exception 2.
        status = STATUS_BAD_DEVICE_FAILURE;
        this.h.failedReads++;
        this.h.lastError = `${block.area} ${block.start}+${block.count}: the server returned ${got} of ${block.count} (check the register map)`;
        this.log.warn({ area: block.area, start: block.start, count: block.count, got }, 'short Modbus response');
      }
      const ts = Date.now();
      for (const { reg, index } of block.items) {
        const key = this.keys[index] as number;
        if (status !== 0) {
          batch.push(key, ts, ts, Number.NaN, status);
          continue;
        }
        let raw: number;
        if (bits) raw = bits[reg.address - block.start] ? 1 : 0;
        else {
          const off = (reg.address - block.start) * 2;
          const w = (words as Buffer).subarray(off, off + WORDS[reg.type] * 2);
          raw = decodeRegisters(w, reg.type, reg.byteOrder ?? c.byteOrder, reg.wordOrder ?? c.wordOrder, reg.bit);
        }
        const value = reg.type === 'bool' ? raw : raw * reg.factor + reg.offset;
        batch.push(key, ts, ts, value, 0);
        this.h.valuesReceived++;
        this.h.lastValueAt = ts;
      }
    }
    if (batch.length > 0) ctx.sink.write(batch);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling.catch(() => undefined);
    this.socket?.destroy();
    this.socket = undefined;
    this.client = undefined;
    this.state = 'stopped';
  }

  health(): SourceHealth {
    return {
      name: this.name,
      kind: this.kind,
      endpoint: this.endpoint,
      state: this.state,
      securityMode: 'None',
      securityPolicy: 'None',
      tags: this.keys.length,
      rejectedTags: 0,
      monitoredItems: this.blocks.length,
      valuesReceived: this.h.valuesReceived,
      lastValueAt: this.h.lastValueAt,
      connectedSince: this.h.connectedSince,
      reconnects: this.h.reconnects,
      lastError: this.h.lastError,
    };
  }
}
