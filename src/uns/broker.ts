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
  /** Publishes refused by the ACL since start. */
  refusedPublishes(): number;
  /**
   * Drops a client's connection without a DISCONNECT, as a network failure would: the broker
   * publishes its will (for a Sparkplug edge node, the NDEATH). Returns false for an unknown id.
   */
  dropClient(clientId: string): boolean;
  stop(): Promise<void>;
}

/** MQTT topic filter match (MQTT 3.1.1, 4.7): `+` one level, `#` the rest (also the parent level). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const p = f[i];
    if (p === '#') return true;
    if (i >= t.length) return false;
    if (p !== '+' && p !== t[i]) return false;
  }
  return f.length === t.length;
}

export interface EmbeddedBrokerOptions {
  /**
   * Topic filters of the hub's own unified namespace: only the hub's internal account publishes
   * there, so no broker user can plant a (retained) value that looks like the hub's.
   */
  hubTopics?: readonly string[];
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
export async function startEmbeddedBroker(
  cfg: EmbeddedBrokerConfig,
  logger: Logger,
  opts: EmbeddedBrokerOptions = {},
): Promise<EmbeddedBroker> {
  const internalUser = {
    username: `gotthard-internal-${randomBytes(4).toString('hex')}`,
    password: randomBytes(24).toString('base64url'),
  };
  const accounts: { username: string; password: string; publish?: readonly string[] }[] = [...cfg.users, internalUser];
  const hubTopics = opts.hubTopics ?? [];
  /** The account each connected client signed in with (undefined: anonymous). */
  const accountOf = new WeakMap<object, (typeof accounts)[number]>();
  let refusedPublishes = 0;
  const aedes = await Aedes.createBroker({
    id: 'gotthard-embedded',
    authenticate: (client, username, password, done) => {
      if (username === undefined && cfg.allowAnonymous) return done(null, true);
      const account =
        username !== undefined
          ? accounts.find((u) => u.username === username && sameSecret(u.password, password))
          : undefined;
      if (account) {
        accountOf.set(client, account);
        return done(null, true);
      }
      logger.warn({ clientId: client.id, username }, 'embedded broker refused a client: bad user name or password');
      const err = new Error('bad user name or password') as AuthenticateError;
      err.returnCode = 4;
      done(err, false);
    },
    // Publish ACL. MQTT 3.1.1 has no negative PUBACK, so a refused publish is dropped and the
    // client disconnected (aedes does this on an error), and the refusal is logged.
    authorizePublish: (client, packet, done) => {
      const account = client ? accountOf.get(client) : undefined;
      if (account === internalUser || !client) return done(null);
      const topic = packet.topic;
      const who = account?.username ?? '(anonymous)';
      let why: string | undefined;
      if (hubTopics.some((f) => topicMatches(f, topic))) {
        why = `topic ${topic} belongs to the hub's unified namespace; only the hub publishes there`;
      } else if (account?.publish && !account.publish.some((f) => topicMatches(f, topic))) {
        why = `user ${who} may publish only to ${account.publish.join(', ')}`;
      }
      if (why === undefined) return done(null);
      refusedPublishes++;
      logger.warn({ clientId: client.id, username: who, topic }, `embedded broker refused a publish: ${why}`);
      done(new Error(why));
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
    refusedPublishes: () => refusedPublishes,
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
