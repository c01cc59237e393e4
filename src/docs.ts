import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { buildApi, type HubView } from './api/index.js';
import { configReferenceMarkdown } from './config/index.js';
import { GotthardError } from './errors.js';
import { VERSION } from './hub/index.js';
import { AuthService, securitySchema } from './security/auth/index.js';

/** Documents derived from code, by path relative to the project root. */
export async function generatedDocs(): Promise<Record<string, string>> {
  const notRunning = (): never => {
    throw new GotthardError('GT_INTERNAL', 'documentation build: no hub');
  };
  const hub = { historian: undefined, health: notRunning, assetTree: notRunning } as unknown as HubView;
  const logger = pino({ level: 'silent' });
  const dir = mkdtempSync(join(tmpdir(), 'gotthard-docs-'));
  const auth = await AuthService.open({ dataDir: dir, config: securitySchema.parse({}), logger, env: {} });
  const app = await buildApi(hub, { logger, version: VERSION, auth });
  await app.ready();
  const openapi = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  auth.close();
  rmSync(dir, { recursive: true, force: true });
  return { 'docs/configuration.md': configReferenceMarkdown(), 'docs/openapi.json': openapi };
}
