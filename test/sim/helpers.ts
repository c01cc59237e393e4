import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClientSession,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
} from 'node-opcua';

export { freePort } from '../helpers/net.js';

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `gotthard-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface SecureClient {
  client: OPCUAClient;
  session: ClientSession;
  /** Namespace index of `urn:gotthard:demo-plant`. */
  ns: number;
  close(): Promise<void>;
}

/** Connects with SignAndEncrypt / Basic256Sha256, the client having its own PKI and trusting the server's certificate. */
export async function connectSecure(endpointUrl: string, pkiDir: string, namespaceUri: string): Promise<SecureClient> {
  const clientCertificateManager = new OPCUACertificateManager({
    rootFolder: pkiDir,
    automaticallyAcceptUnknownCertificate: true,
  });
  await clientCertificateManager.initialize();
  const client = OPCUAClient.create({
    applicationName: 'gotthard-sim-test',
    securityMode: MessageSecurityMode.SignAndEncrypt,
    securityPolicy: SecurityPolicy.Basic256Sha256,
    endpointMustExist: false,
    clientCertificateManager,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
  });
  await client.connect(endpointUrl);
  const session = await client.createSession();
  const ns = (await session.readNamespaceArray()).indexOf(namespaceUri);
  if (ns < 0) throw new Error(`namespace ${namespaceUri} not found on the server`);
  return {
    client,
    session,
    ns,
    async close() {
      await session.close().catch(() => undefined);
      await client.disconnect();
      await clientCertificateManager.dispose();
    },
  };
}
