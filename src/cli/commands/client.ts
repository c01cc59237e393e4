import { hostname } from 'node:os';
import type { Command } from 'commander';
import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  MessageSecurityMode,
  NodeClass,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
} from 'node-opcua';
import { openPki } from '../../pki/index.js';
import { resolveConfiguredNodeId } from '../../sources/opcua/index.js';
import { cliLogger } from '../log.js';
import { intOption } from '../options.js';

interface ClientOpts {
  securityMode: 'SignAndEncrypt' | 'Sign' | 'None';
  securityPolicy: string;
  pki: string;
  user?: string;
  password?: string;
}

function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--security-mode <mode>', 'SignAndEncrypt, Sign or None', 'SignAndEncrypt')
    .option(
      '--security-policy <policy>',
      'Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss or None',
      'Basic256Sha256',
    )
    .option('--pki <dir>', "the hub's PKI folder (its certificate and trusted servers)", './data/pki')
    .option('--user <name>', 'user name (default: anonymous)')
    .option('--password <password>', 'password for --user (or set GOTTHARD_OPCUA_PASSWORD)');
}

/** Opens a session for a one-shot CLI command, with the hub's PKI: an untrusted server is refused. */
async function withSession<T>(endpoint: string, o: ClientOpts, fn: (s: ClientSession) => Promise<T>): Promise<T> {
  const mode = MessageSecurityMode[o.securityMode as keyof typeof MessageSecurityMode];
  const policyKey = o.securityPolicy as keyof typeof SecurityPolicy;
  if (mode === undefined || typeof mode !== 'number')
    throw new Error(`--security-mode "${o.securityMode}" is not SignAndEncrypt, Sign or None`);
  if (!(policyKey in SecurityPolicy)) throw new Error(`--security-policy "${o.securityPolicy}" is unknown`);
  if ((mode === MessageSecurityMode.None) !== (policyKey === 'None')) {
    throw new Error('--security-mode None and --security-policy None go together');
  }
  const pki = await openPki({
    dir: o.pki,
    applicationUri: `urn:gotthard:hub:${hostname()}`,
    logger: cliLogger('warn'),
    disableFileWatchers: true,
  });
  const client = OPCUAClient.create({
    applicationName: 'Gotthard CLI',
    applicationUri: pki.applicationUri,
    clientCertificateManager: pki.certificateManager,
    certificateFile: pki.certificateFile,
    privateKeyFile: pki.privateKeyFile,
    securityMode: mode,
    securityPolicy: SecurityPolicy[policyKey],
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 500, maxDelay: 1000 },
    requestedSessionTimeout: 30_000,
  });
  try {
    try {
      await client.connect(endpoint);
    } catch (err) {
      const rejected = (await pki.list()).filter((c) => c.status === 'rejected');
      const hint = rejected.length
        ? `\nThe server certificate may be untrusted; rejected certificates in ${pki.rejectedDir}:\n${rejected
            .map((c) => `  ${c.thumbprint}  ${c.subject}`)
            .join('\n')}\nTrust one with: gotthard pki trust <thumbprint> --dir ${o.pki}`
        : '';
      throw new Error(`cannot connect to ${endpoint}: ${(err as Error).message}${hint}`);
    }
    const password = o.password ?? process.env.GOTTHARD_OPCUA_PASSWORD;
    const session = await client.createSession(
      o.user
        ? { type: UserTokenType.UserName, userName: o.user, password: password ?? '' }
        : { type: UserTokenType.Anonymous },
    );
    try {
      return await fn(session);
    } finally {
      await session.close().catch(() => undefined);
    }
  } finally {
    await client.disconnect().catch(() => undefined);
    await pki.close();
  }
}

async function browseTree(
  s: ClientSession,
  nodeId: string,
  depth: number,
  indent: string,
  namespaces: readonly string[],
): Promise<void> {
  const result = await s.browse({
    nodeId: resolveConfiguredNodeId(nodeId, namespaces),
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: 'HierarchicalReferences',
    includeSubtypes: true,
    resultMask: 63,
  });
  for (const ref of result.references ?? []) {
    const id = ref.nodeId.toString();
    const cls = NodeClass[ref.nodeClass] ?? String(ref.nodeClass);
    let extra = '';
    if (ref.nodeClass === NodeClass.Variable) {
      const dv = await s.read({ nodeId: ref.nodeId, attributeId: AttributeIds.Value });
      const v = dv.value?.value;
      extra = `  = ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}  [${dv.statusCode.name}]`;
    }
    process.stdout.write(`${indent}${ref.browseName.toString()}  (${cls}, ${id})${extra}\n`);
    if (depth > 1 && ref.nodeClass === NodeClass.Object) await browseTree(s, id, depth - 1, `${indent}  `, namespaces);
  }
}

export function registerClientCommands(program: Command): void {
  addClientOptions(
    program
      .command('browse')
      .description('Browse an OPC UA server: print the address space below a node with values and StatusCodes')
      .argument('<endpoint>', 'e.g. opc.tcp://localhost:4840/gotthard/demo')
      .option('--node <nodeId>', 'start node', 'ObjectsFolder')
      .option('--depth <n>', 'levels to descend', intOption('--depth'), 3),
  ).action(async (endpoint: string, opts: ClientOpts & { node: string; depth: number }) => {
    await withSession(endpoint, opts, async (s) =>
      browseTree(s, opts.node, opts.depth, '', await s.readNamespaceArray()),
    );
  });

  addClientOptions(
    program
      .command('read')
      .description('Read the value, StatusCode and timestamps of one or more NodeIds')
      .argument('<endpoint>', 'e.g. opc.tcp://localhost:4840/gotthard/demo')
      .argument('<nodeId...>', 'e.g. "ns=1;s=Machining.Line1.CNC1.Spindle.Speed"')
      .option('--json', 'print JSON'),
  ).action(async (endpoint: string, nodeIds: string[], opts: ClientOpts & { json?: boolean }) => {
    await withSession(endpoint, opts, async (s) => {
      const namespaces = await s.readNamespaceArray();
      const values = await s.read(
        nodeIds.map((n) => ({ nodeId: resolveConfiguredNodeId(n, namespaces), attributeId: AttributeIds.Value })),
      );
      const rows = values.map((dv, i) => ({
        nodeId: nodeIds[i],
        value: dv.value?.value ?? null,
        status: dv.statusCode.name,
        statusCode: dv.statusCode.value,
        sourceTimestamp: dv.sourceTimestamp?.toISOString() ?? null,
        serverTimestamp: dv.serverTimestamp?.toISOString() ?? null,
      }));
      if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else
        for (const r of rows)
          process.stdout.write(`${r.nodeId}  ${JSON.stringify(r.value)}  ${r.status}  ${r.sourceTimestamp}\n`);
    });
  });
}
