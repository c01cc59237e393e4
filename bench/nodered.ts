/**
 * Node-RED 4 + node-red-contrib-opcua subscribing to the same variables (SignAndEncrypt, the same
 * sampling, queue 1 as the contrib's "multiple" subscribe uses) and writing them to SQLite through
 * node-red-node-sqlite, batched by a join node (500 values or 1 s) into one multi-row INSERT — the
 * fair, tuned way to build that flow. Installed into bench/.cache at bench time, never a dependency.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Child, freePort, type Load, measure, ROOT, spawnNode } from './load.js';

const CACHE = join(ROOT, 'bench/.cache');
const RED = join(CACHE, 'node_modules/node-red/red.js');

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
    flows.push({
      id: `go${i}`,
      type: 'inject',
      z: 'tab',
      once: true,
      onceDelay: 3,
      topic: 'multiple',
      payload: JSON.stringify((nodeLists[i] ?? []).map((nodeId) => ({ nodeId }))),
      payloadType: 'json',
      wires: [[`iv${i}`]],
    });
    flows.push({
      id: `iv${i}`,
      type: 'function',
      z: 'tab',
      func: `msg.interval = ${load.updateIntervalMs}; return msg;`,
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
      wires: [['count'], [], []],
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

export { measure };
