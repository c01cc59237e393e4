import type { GotthardConfig } from '../config/schema.js';

/** The built-in demo plant's source, mapped under the config's first site (or `acme/zurich`). */
export function demoSourceConfig(config: GotthardConfig, endpointUrl: string): unknown {
  const site = config.assets.sites[0]?.id ?? 'zurich';
  return {
    kind: 'opcua',
    name: 'demo-plant',
    endpoint: endpointUrl,
    securityMode: 'SignAndEncrypt',
    securityPolicy: 'Basic256Sha256',
    assetPrefix: `${config.assets.enterprise.id}/${site}`,
    browse: [{ root: '/Objects/DemoPlant', levels: ['area', 'line', 'machine'], variableTypes: 'all' }],
    subscription: { publishingIntervalMs: 1000, samplingIntervalMs: 1000, queueSize: 10 },
  };
}

/** The asset model the demo starts with when no config file names one. */
export const DEMO_ASSETS = {
  enterprise: { id: 'acme', name: 'ACME Precision AG' },
  sites: [
    {
      id: 'zurich',
      name: 'Zürich plant',
      timezone: 'Europe/Zurich',
      areas: [
        { id: 'machining', name: 'Machining', lines: [] },
        { id: 'packaging', name: 'Packaging', lines: [] },
        { id: 'utilities', name: 'Utilities', lines: [] },
      ],
    },
  ],
};
