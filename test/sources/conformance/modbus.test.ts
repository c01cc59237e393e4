import { createServer, type Server, type Socket } from 'node:net';
import Modbus from 'jsmodbus';
import { SOURCE_KINDS } from '../../../src/sources/index.js';
import { freePort } from '../../helpers/net.js';
import { silent } from '../../uns/helpers.js';
import { LIVENESS, RECONNECT, sourceConformance } from './suite.js';

let net: Server | undefined;
let timer: NodeJS.Timeout | undefined;
const sockets = new Set<Socket>();

/** Modbus TCP: a jsmodbus server on a real socket whose counter register ticks every 100 ms. */
sourceConformance({
  kind: 'modbus',
  async start() {
    const port = await freePort();
    const holding = Buffer.alloc(20);
    net = createServer();
    net.on('connection', (s) => {
      sockets.add(s);
      // the suite resets connections: an RST on the server side is expected, not an uncaught error
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    });
    new Modbus.server.TCP(net, { holding });
    await new Promise<void>((r) => net?.listen(port, '127.0.0.1', r));
    timer = setInterval(() => holding.writeUInt16BE((holding.readUInt16BE(0) + 1) & 0xffff, 0), 100);
    return port;
  },
  source(port) {
    const config = SOURCE_KINDS.modbus.schema.parse({
      kind: 'modbus',
      name: 'conf-modbus',
      host: '127.0.0.1',
      port,
      assetPrefix: 'acme/zurich/pressing/line2/press1',
      pollInterval: 100,
      timeout: 300,
      reconnect: RECONNECT,
      liveness: LIVENESS,
      registers: [
        { tag: 'counter', address: 0, type: 'uint16' },
        { tag: 'pressure', address: 1, type: 'uint16', factor: 0.1 },
        { tag: 'temperature', address: 2, type: 'int16' },
      ],
    });
    return SOURCE_KINDS.modbus.create(config, { logger: silent } as never);
  },
  async stop() {
    clearInterval(timer);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => (net ? net.close(() => r()) : r()));
  },
});
