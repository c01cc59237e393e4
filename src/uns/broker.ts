import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type AuthenticateError } from 'aedes';
import type { Logger } from 'pino';
import { GotthardError } from '../errors.js';
import type { EmbeddedBrokerConfig } from './config.js';

export interface EmbeddedBroker {
  /** `mqtt://host:port` with the port actually bound (useful with port 0). */
  readonly url: string;
  readonly port: number;
  /** A per-process account for the hub's own clients; never written anywhere. */
  readonly internalUser: { username: string; password: string };
  clients(): number;
  /**
   * Drops a client's connection without a DISCONNECT, as a network failure would: the broker
   * publishes its will (for a Sparkplug edge node, the NDEATH). Returns false for an unknown id.
   */
  dropClient(clientId: string): boolean;
  stop(): Promise<void>;
}

function sameSecret(a: string, b: Buffer | undefined): boolean {
  if (!b) return false;
  const x = Buffer.from(a, 'utf8');
  return x.length === b.length && timingSafeEqual(x, b);
}

/**
 * The embedded MQTT broker (aedes, MQTT 3.1.1): the single-machine default, so a plant can run the
 * unified namespace without installing a broker. Listens on 1884 by default — never 1883, where a
 * system Mosquitto usually runs. Clients authenticate with a configured user name and password;
 * anonymous clients are refused unless `allowAnonymous` is set. Retained messages live in memory.
 */
export async function startEmbeddedBroker(cfg: EmbeddedBrokerConfig, logger: Logger): Promise<EmbeddedBroker> {
  const internalUser = {
    username: `gotthard-internal-${randomBytes(4).toString('hex')}`,
    password: randomBytes(24).toString('base64url'),
  };
  const accounts = [...cfg.users, internalUser];
  const aedes = await Aedes.createBroker({
    id: 'gotthard-embedded',
    authenticate: (client, username, password, done) => {
      if (username === undefined && cfg.allowAnonymous) return done(null, true);
      const ok =
        username !== undefined && accounts.some((u) => u.username === username && sameSecret(u.password, password));
      if (ok) return done(null, true);
      logger.warn({ clientId: client.id, username }, 'embedded broker refused a client: bad user name or password');
      const err = new Error('bad user name or password') as AuthenticateError;
      err.returnCode = 4;
      done(err, false);
    },
  });
  aedes.on('clientError', (client, err) =>
    logger.debug({ clientId: client.id, err: err.message }, 'broker client error'),
  );
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(cfg.port, cfg.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((r) => aedes.close(() => r()));
    const code = (err as NodeJS.ErrnoException).code;
    throw new GotthardError(
      'GT_CONFIG_INVALID',
      `uns.broker: the embedded MQTT broker cannot listen on ${cfg.host}:${cfg.port} (${code ?? String(err)}); pick another uns.broker.port or stop what uses it`,
      { host: cfg.host, port: cfg.port },
      { cause: err },
    );
  }
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  const host = cfg.host === '0.0.0.0' ? '127.0.0.1' : cfg.host;
  logger.info(
    { host: cfg.host, port, users: cfg.users.length, allowAnonymous: cfg.allowAnonymous },
    'embedded MQTT broker listening',
  );
  let stopped = false;
  return {
    url: `mqtt://${host}:${port}`,
    port,
    internalUser,
    clients: () => aedes.connectedClients,
    dropClient: (clientId) => {
      const c = (aedes as unknown as { clients: Record<string, { conn: { destroy(): void } } | undefined> }).clients[
        clientId
      ];
      if (!c) return false;
      c.conn.destroy();
      return true;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((r) => aedes.close(() => r()));
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
