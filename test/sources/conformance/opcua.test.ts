import { join } from 'node:path';
import { type HubPki, openPki } from '../../../src/pki/index.js';
import { SOURCE_KINDS } from '../../../src/sources/index.js';
import { CounterPlant } from '../../faults/fixtures/counter-plant.js';
import { freePort } from '../../helpers/net.js';
import { silent } from '../../uns/helpers.js';
import { LIVENESS, RECONNECT, sourceConformance } from './suite.js';

let plant: CounterPlant | undefined;
let pki: HubPki | undefined;

/** OPC UA: the counter plant (a real node-opcua server, in process), SignAndEncrypt, trusted once. */
sourceConformance({
  kind: 'opcua',
  async start(dir) {
    plant = new CounterPlant({ port: await freePort(), pkiDir: join(dir, 'plant-pki'), tags: 5, intervalMs: 100 });
    await plant.start();
    pki = await openPki({
      dir: join(dir, 'hub-pki'),
      applicationUri: 'urn:gotthard:conformance-hub',
      logger: silent,
      disableFileWatchers: true,
    });
    await pki.trustFile(plant.certificateFile);
    return plant.options.port;
  },
  source(port) {
    const config = SOURCE_KINDS.opcua.schema.parse({
      kind: 'opcua',
      name: 'conf-opcua',
      endpoint: `opc.tcp://localhost:${port}`,
      securityMode: 'SignAndEncrypt',
      securityPolicy: 'Basic256Sha256',
      assetPrefix: 'acme/zurich',
      browse: [{ root: '/Objects/Counters', levels: ['area', 'line', 'machine'], variableTypes: 'all' }],
      subscription: { publishingIntervalMs: 100, samplingIntervalMs: 0, queueSize: 100 },
      reconnect: RECONNECT,
      liveness: LIVENESS,
      requestTimeoutMs: 2000,
    });
    return SOURCE_KINDS.opcua.create(config, { pki: pki as HubPki, logger: silent });
  },
  async stop() {
    await plant?.stop();
    await pki?.close();
  },
});
