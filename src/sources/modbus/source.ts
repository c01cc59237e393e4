import { Socket } from 'node:net';
import Modbus from 'jsmodbus';
import type { Logger } from 'pino';
import { SampleBatch } from '../../model/sample.js';
import { statusName } from '../../model/status.js';
import type { TagDefinition } from '../../model/tag.js';
import type { Source, SourceContext, SourceHealth } from '../../pipeline/types.js';
import { type Link, Supervisor } from '../../runtime/index.js';
import { type ModbusSourceConfig, type RegisterConfig, WORDS } from './config.js';
import { decodeRegisters } from './decode.js';

/** The Modbus part of a source's health. */
export type ModbusHealthDetails = {
  unitId: number;
  /** Read requests one pass over the register map takes (neighbouring addresses are read together). */
  requestsPerPoll: number;
  /** Read requests sent, and those that failed (timeout, exception, short answer). */
  requests: number;
  failedReads: number;
};

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

/** One open connection: its socket, its client and its poll loop. */
interface ModbusLink {
  socket: Socket;
  client: ModbusClient;
  link: Link;
  timer: NodeJS.Timeout | undefined;
  polling: Promise<void>;
  closed: boolean;
}

/**
 * A Modbus TCP client source (jsmodbus): polls a register map every `pollInterval`, decodes each
 * value (type, byte and word order), scales it (raw × factor + offset) and writes one batch per
 * poll with the poll's receive time as source timestamp (Modbus carries no timestamps).
 *
 * Failures are values too: a read that times out gives its tags BadTimeout, a Modbus exception
 * BadDeviceFailure, any other failed read BadCommunicationError. The connection belongs to the
 * runtime's `Supervisor` (this class is its connector): a closed socket, or no answer at all for
 * `liveness` (a PLC that stopped answering, a dead link), writes one BadNoCommunication gap marker
 * per tag at the last answer and reconnects with backoff. Every answer, an exception included, is a
 * contact. Polls never overlap: the next one is scheduled when the previous one finished.
 */
class ModbusSource implements Source {
  readonly kind = 'modbus';
  readonly marksGaps = true;
  readonly name: string;
  private ctx: SourceContext | undefined;
  private readonly log: Logger;
  private conn: ModbusLink | undefined;
  private keys: number[] = [];
  private readonly blocks: ReadBlock[];
  private readonly supervisor: Supervisor;
  private failedReads = 0;
  private requests = 0;

  constructor(
    readonly config: ModbusSourceConfig,
    deps: ModbusSourceDeps,
  ) {
    this.name = config.name;
    this.log = deps.logger;
    this.blocks = planReads(config.registers, config.maxRegistersPerRead);
    this.supervisor = new Supervisor({
      name: this.name,
      peer: `Modbus server ${this.endpoint}`,
      connector: { connect: (link) => this.open(link), close: () => this.close() },
      reconnect: config.reconnect,
      liveness: config.liveness,
      // a TCP connect either completes or fails well within a response timeout or two
      connectTimeout: Math.max(2 * config.timeout, 1000),
      log: this.log,
    });
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
    await this.supervisor.start({ events: ctx.events, gaps: { sink: ctx.sink, keys: () => this.keys } });
  }

  /** The connector's `connect`: opens the socket and starts polling. */
  private open(link: Link): Promise<void> {
    const c = this.config;
    const socket = new Socket();
    const client = new Modbus.client.TCP(socket, c.unitId, c.timeout);
    const conn: ModbusLink = { socket, client, link, timer: undefined, polling: Promise.resolve(), closed: false };
    this.conn = conn;
    return new Promise<void>((resolve, reject) => {
      let opened = false;
      socket.on('connect', () => {
        opened = true;
        this.log.info({ endpoint: this.endpoint }, 'Modbus connected');
        this.schedule(conn, 0);
        resolve();
      });
      socket.on('error', (err) => {
        if (!opened) reject(err);
        else link.error(err.message);
      });
      socket.on('close', () => {
        conn.closed = true;
        if (conn.timer) clearTimeout(conn.timer);
        if (!opened) reject(new Error('connection closed'));
        else link.lost('the server closed the connection');
      });
      socket.setNoDelay(true);
      socket.connect({ host: c.host, port: c.port });
    });
  }

  /** The connector's `close`: stops polling and closes the socket. */
  private async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    if (!conn) return;
    conn.closed = true;
    if (conn.timer) clearTimeout(conn.timer);
    conn.socket.destroy();
    await conn.polling.catch(() => undefined);
  }

  private schedule(conn: ModbusLink, delayMs: number): void {
    if (conn.closed) return;
    conn.timer = setTimeout(() => {
      const started = Date.now();
      conn.polling = this.poll(conn)
        .catch((err: unknown) => {
          conn.link.error(err instanceof Error ? err.message : String(err));
          this.log.error({ err }, 'Modbus poll failed');
        })
        .finally(() => this.schedule(conn, Math.max(0, this.config.pollInterval - (Date.now() - started))));
    }, delayMs);
    conn.timer.unref();
  }

  /** One pass over the register map. */
  private async poll(conn: ModbusLink): Promise<void> {
    const { client, link } = conn;
    const ctx = this.ctx;
    if (!ctx) return;
    const c = this.config;
    const batch = new SampleBatch(c.registers.length);
    let values = 0;
    for (const block of this.blocks) {
      let words: Buffer | undefined;
      let bits: ArrayLike<number | boolean> | undefined;
      let status = 0;
      this.requests++;
      try {
        if (block.area === 'holding')
          words = (await client.readHoldingRegisters(block.start, block.count)).response.body.valuesAsBuffer;
        else if (block.area === 'input')
          words = (await client.readInputRegisters(block.start, block.count)).response.body.valuesAsBuffer;
        else if (block.area === 'coil')
          bits = (await client.readCoils(block.start, block.count)).response.body.valuesAsArray;
        else bits = (await client.readDiscreteInputs(block.start, block.count)).response.body.valuesAsArray;
        link.contact();
      } catch (err) {
        const e = err as { err?: string; message?: string };
        status =
          e.err === 'Timeout'
            ? STATUS_BAD_TIMEOUT
            : e.err === 'ModbusException'
              ? STATUS_BAD_DEVICE_FAILURE
              : STATUS_BAD_COMMUNICATION_ERROR;
        // an exception is an answer: the device is there, it refused this read
        if (status === STATUS_BAD_DEVICE_FAILURE) link.contact();
        this.failedReads++;
        link.error(
          `${block.area} ${block.start}+${block.count}: ${e.message ?? e.err ?? String(err)} (${statusName(status)})`,
        );
        this.log.warn(
          { area: block.area, start: block.start, count: block.count, err: e.message ?? e.err },
          'Modbus read failed',
        );
        if (conn.closed) return;
      }
      const got = words ? words.length / 2 : bits ? bits.length : block.count;
      if (status === 0 && got < block.count) {
        // Some servers answer a read past their table with fewer registers instead of exception 2.
        status = STATUS_BAD_DEVICE_FAILURE;
        this.failedReads++;
        link.error(
          `${block.area} ${block.start}+${block.count}: the server returned ${got} of ${block.count} (check the register map)`,
        );
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
        values++;
      }
    }
    if (conn.closed) return;
    if (values > 0) link.received(values);
    if (batch.length > 0) ctx.sink.write(batch);
  }

  async stop(): Promise<void> {
    await this.supervisor.stop();
  }

  health(): SourceHealth<ModbusHealthDetails> {
    return {
      name: this.name,
      kind: this.kind,
      endpoint: this.endpoint,
      ...this.supervisor.health(),
      tags: this.keys.length,
      rejectedTags: 0,
      details: {
        unitId: this.config.unitId,
        requestsPerPoll: this.blocks.length,
        requests: this.requests,
        failedReads: this.failedReads,
      },
    };
  }
}
