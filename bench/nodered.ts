/**
 * Node-RED 4 + node-red-contrib-opcua subscribing to the same variables (SignAndEncrypt, the same
 * sampling, queue 1 as the contrib's "multiple" subscribe uses) and writing them to SQLite through
 * node-red-node-sqlite, batched by a join node (500 values or 1 s) into one multi-row INSERT — the
 * fair, tuned way to build that flow. Installed into bench/.cache at bench time, never a dependency.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Child, freePort, type Load, measure, ROOT, spawnNode, type Window } from './load.js';
import { cpuMs, sleep } from './proc.js';

const CACHE = join(ROOT, 'bench/.cache');
const RED = join(CACHE, 'node_modules/node-red/red.js');
/** NodeIds per "multiple" subscribe message (see the flow below). */
const MONITORED_ITEMS_PER_CALL = 1000;

/** Installs Node-RED into bench/.cache when missing; returns why it could not, or undefined. */
export function ensureNodeRed(log: (l: string) => void): string | undefined {
  if (existsSync(RED) && existsSync(join(CACHE, 'node_modules/node-red-contrib-opcua'))) return undefined;
  log('  installing node-red, node-red-contrib-opcua, node-red-node-sqlite into bench/.cache …');
  try {
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        CACHE,
        '--no-audit',
        '--no-fund',
        'node-red',
        'node-red-contrib-opcua',
        'node-red-node-sqlite',
      ],
      {
        stdio: 'ignore',
        timeout: 600_000,
      },
    );
    return undefined;
  } catch (err) {
    return `npm install of node-red failed: ${(err as Error).message}`;
  }
}

export async function startNodeRed(dir: string, load: Load, nodeLists: string[][]): Promise<Child & { url: string }> {
  const user = join(dir, `nodered-${Date.now()}`);
  mkdirSync(user, { recursive: true });
  symlinkSync(join(CACHE, 'node_modules'), join(user, 'node_modules'));
  writeFileSync(join(user, 'package.json'), JSON.stringify({ name: 'bench-flows', version: '0.0.0' }));
  const port = await freePort();
  const flows: Record<string, unknown>[] = [{ id: 'tab', type: 'tab', label: 'bench' }];
  const dbNode = { id: 'db', type: 'sqlitedb', db: join(user, 'values.db'), mode: 'RWC' };
  flows.push(dbNode);
  flows.push({
    id: 'init',
    type: 'inject',
    z: 'tab',
    once: true,
    onceDelay: 0.5,
    topic: 'CREATE TABLE IF NOT EXISTS v (node TEXT, ts INTEGER, value REAL, status INTEGER)',
    payload: '',
    payloadType: 'str',
    wires: [['sqlite']],
  });
  load.endpoints.forEach((endpoint, i) => {
    flows.push({
      id: `ep${i}`,
      type: 'OpcUa-Endpoint',
      endpoint,
      secpol: 'Basic256Sha256',
      secmode: 'SignAndEncrypt',
      none: false,
      login: false,
      usercert: false,
    });
    // The contrib creates a "multiple" subscribe's items in one CreateMonitoredItems call; above the
    // server's MaxMonitoredItemsPerCall (node-opcua's default: 10000; a 1000-machine plant has ≈18000
    // variables) the server answers BadTooManyOperations and the contrib throws it uncaught, which
    // ends Node-RED. So the list goes in chunks, as a Node-RED user would send it: the first chunk once
    // the client's session is up (its second output reports the status), the rest into the same
    // subscription once it is "subscribed" (sent earlier, they would race its creation).
    const chunks: { nodeId: string }[][] = [];
    const ids = nodeLists[i] ?? [];
    if (ids.length === 0) throw new Error(`startNodeRed: no NodeIds listed for ${endpoint} (plant ${i})`);
    for (let o = 0; o < ids.length; o += MONITORED_ITEMS_PER_CALL) {
      chunks.push(ids.slice(o, o + MONITORED_ITEMS_PER_CALL).map((nodeId) => ({ nodeId })));
    }
    flows.push({
      id: `feed${i}`,
      type: 'function',
      z: 'tab',
      initialize: `context.set('chunks', ${JSON.stringify(chunks)});`,
      func: `const chunks = context.get('chunks');
const as = (payload) => ({ topic: 'multiple', interval: ${load.updateIntervalMs}, payload });
if (msg.status === 'session active' && !context.get('first')) { context.set('first', true); return as(chunks[0]); }
if (msg.status === 'subscribed' && !context.get('rest')) { context.set('rest', true); return [chunks.slice(1).map(as)]; }
return null;`,
      outputs: 1,
      wires: [[`cl${i}`]],
    });
    flows.push({
      id: `cl${i}`,
      type: 'OpcUa-Client',
      z: 'tab',
      endpoint: `ep${i}`,
      action: 'subscribe',
      time: 1,
      timeUnit: 's',
      wires: [['count'], [`feed${i}`], []],
    });
  });
  flows.push({
    id: 'count',
    type: 'function',
    z: 'tab',
    func: "if (msg.topic === 'subscriptionId') return null; global.set('n', (global.get('n') || 0) + 1); const dv = msg.payload; msg.payload = [msg.topic, dv.sourceTimestamp ? new Date(dv.sourceTimestamp).getTime() : Date.now(), typeof dv.value.value === 'number' ? dv.value.value : null, dv.statusCode ? dv.statusCode.value : 0]; return msg;",
    outputs: 1,
    wires: [['join']],
  });
  flows.push({
    id: 'join',
    type: 'join',
    z: 'tab',
    mode: 'custom',
    build: 'array',
    property: 'payload',
    propertyType: 'msg',
    count: '500',
    timeout: '1',
    accumulate: false,
    wires: [['sql']],
  });
  flows.push({
    id: 'sql',
    type: 'function',
    z: 'tab',
    func: "const rows = msg.payload; msg.topic = 'INSERT INTO v (node, ts, value, status) VALUES ' + rows.map(() => '(?,?,?,?)').join(','); msg.payload = rows.flat(); return msg;",
    outputs: 1,
    wires: [['sqlite']],
  });
  flows.push({ id: 'sqlite', type: 'sqlite', z: 'tab', mydb: 'db', sqlquery: 'msg.topic', wires: [['stored']] });
  flows.push({
    id: 'stored',
    type: 'function',
    z: 'tab',
    func: "if (msg.topic && msg.topic.startsWith('INSERT')) global.set('stored', (global.get('stored') || 0) + msg.topic.split('(?,?,?,?)').length - 1); return null;",
    outputs: 1,
    wires: [[]],
  });
  flows.push({ id: 'hin', type: 'http in', z: 'tab', url: '/count', method: 'get', wires: [['hfn']] });
  flows.push({
    id: 'hfn',
    type: 'function',
    z: 'tab',
    func: "msg.payload = { received: global.get('n') || 0, stored: global.get('stored') || 0 }; return msg;",
    outputs: 1,
    wires: [['hout']],
  });
  flows.push({ id: 'hout', type: 'http response', z: 'tab', wires: [] });
  // Node-RED tells flow nodes from config nodes by their editor position: a node on a tab without
  // x/y is started as a config node, and the wiring between them never runs.
  flows.forEach((n, i) => {
    if (n.z !== undefined) Object.assign(n, { x: 200 + (i % 5) * 150, y: 60 + i * 40 });
  });
  writeFileSync(join(user, 'flows.json'), JSON.stringify(flows));
  writeFileSync(
    join(user, 'settings.js'),
    `module.exports = { uiPort: ${port}, uiHost: '127.0.0.1', flowFile: 'flows.json', userDir: ${JSON.stringify(user)}, logging: { console: { level: 'info' } }, editorTheme: { tours: false } };\n`,
  );
  const child = await spawnNode(
    [RED, '--userDir', user, '--settings', join(user, 'settings.js')],
    /Started flows|Server now running/i,
    120_000,
    user,
  );
  return { ...child, url: `http://127.0.0.1:${port}` };
}

export async function nodeRedCount(url: string): Promise<{ received: number; stored: number }> {
  const r = await fetch(`${url}/count`);
  return (await r.json()) as { received: number; stored: number };
}

/** Why `child` is gone: its name, pid, exit code or signal and its last output lines (the first line names them). */
async function deathOf(child: Child, name: string, during: string): Promise<Error> {
  // 'exit' can come before the last output is read; 'close' comes after the pipes are drained
  if (child.proc.stdout?.readableEnded === false || child.proc.stderr?.readableEnded === false) {
    await Promise.race([new Promise((r) => child.proc.once('close', r)), sleep(2000)]);
  }
  const how =
    child.proc.signalCode !== null
      ? `was killed by ${child.proc.signalCode}`
      : `exited with code ${child.proc.exitCode}`;
  const tail = child.lines.slice(-25);
  const cause =
    [...tail].reverse().find((l) => /error|exception/i.test(l) || /\bBad[A-Z]/.test(l)) ?? tail.at(-1) ?? '(no output)';
  return new Error(
    `${name} (pid ${child.pid}) ${how} ${during}: ${cause.trim()}\n--- last output of ${name}:\n${tail.join('\n')}`,
  );
}

const gone = (child: Child): boolean => child.proc.exitCode !== null || child.proc.signalCode !== null;

/**
 * Runs `step` while `child` lives: if the child exits first (or `step` fails because it did, e.g. an
 * ENOENT reading its /proc entry or a refused HTTP request), throws an error naming it and its last output.
 */
async function whileAlive<T>(child: Child, name: string, during: string, step: Promise<T>): Promise<T> {
  step.catch(() => undefined); // settled below, or superseded by the child's death
  let onExit = (): void => undefined;
  const died = new Promise<never>((_, reject) => {
    onExit = () => void deathOf(child, name, during).then(reject);
    child.proc.once('exit', onExit);
  });
  died.catch(() => undefined);
  try {
    if (gone(child)) throw await deathOf(child, name, during);
    return await Promise.race([step, died]);
  } catch (err) {
    if (gone(child)) throw await deathOf(child, name, during);
    throw err;
  } finally {
    child.proc.off('exit', onExit);
  }
}

/** Waits until `count()` moves (values arrive and are stored), at most `timeoutMs`. */
export async function waitForValues(
  child: Child,
  name: string,
  count: () => Promise<number>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await whileAlive(
    child,
    name,
    'while waiting for its first stored values',
    (async () => {
      for (;;) {
        try {
          if ((await count()) > 0) return;
        } catch {
          // not answering yet
        }
        if (Date.now() > deadline) {
          throw new Error(`${name} stored no value within ${timeoutMs} ms:\n${child.lines.slice(-15).join('\n')}`);
        }
        await sleep(250);
      }
    })(),
  );
}

/**
 * Waits until `child` has used less than `share` of a core over one second (at most `timeoutMs`, then
 * goes on and says so): Node-RED creates its monitored items after its first values arrive (the chunks
 * after the first, see startNodeRed), a burst of one to several seconds of CPU that is start-up, not
 * the cost of storing values. Returns the ms waited.
 */
export async function waitUntilSettled(
  child: Child,
  name: string,
  share: number,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<number> {
  const t0 = Date.now();
  return whileAlive(
    child,
    name,
    'while settling',
    (async () => {
      for (;;) {
        const c0 = cpuMs(child.pid);
        const s0 = Date.now();
        await sleep(1000);
        const used = (cpuMs(child.pid) - c0) / (Date.now() - s0);
        if (used < share) return Date.now() - t0;
        if (Date.now() - t0 > timeoutMs) {
          log(`  ${name} still used ${Math.round(used * 100)} % of a core after ${timeoutMs} ms; measuring anyway`);
          return Date.now() - t0;
        }
      }
    })(),
  );
}

/** `measure` (load.ts) on `child`, failing with the child's name and last output if it dies meanwhile. */
export function measureChild(
  child: Child,
  name: string,
  count: () => Promise<number>,
  warmMs: number,
  windowMs: number,
): Promise<Window> {
  return whileAlive(child, name, 'during the measurement', measure(child.pid, count, warmMs, windowMs));
}
