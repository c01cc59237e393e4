import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';

/** Debian's chromium (package `chromium`, installed by .ci/run); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots the browser tests leave for a human to look at (not compared). */
export const SHOTS = join(process.cwd(), 'test-results', 'screenshots');

/** `describe` options of a browser suite: skipped, saying why, where there is no chromium. */
export function browserSuite(timeout: number): { timeout: number; skip: string | false } {
  return { timeout, skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` };
}

/** The dashboard built by Vite from the current sources into `outDir` (and the screenshot folder made). */
export async function buildWeb(outDir: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await build({
    configFile: join(process.cwd(), 'src/web/vite.config.ts'),
    build: { outDir, emptyOutDir: true },
    logLevel: 'error',
  });
}

/** Headless chromium with the flags this machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
