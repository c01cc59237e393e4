import { pino } from 'pino';
import { buildApi } from './api/index.js';
import type { HubView } from './api/types.js';
import { configReferenceMarkdown } from './config/docs.js';
import { GotthardError } from './errors.js';
import { VERSION } from './hub/hub.js';

/** Documents derived from code, by path relative to the project root. */
export async function generatedDocs(): Promise<Record<string, string>> {
  const notRunning = (): never => {
    throw new GotthardError('GT_INTERNAL', 'documentation build: no hub');
  };
  const hub = { historian: undefined, health: notRunning, assetTree: notRunning } as unknown as HubView;
  const app = await buildApi(hub, { logger: pino({ level: 'silent' }), version: VERSION });
  await app.ready();
  const openapi = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  return { 'docs/configuration.md': configReferenceMarkdown(), 'docs/openapi.json': openapi };
}
