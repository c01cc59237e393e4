import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { GotthardError } from '../errors.js';
import { configSchema, type GotthardConfig } from './schema.js';

export interface LoadOptions {
  /** Environment for `${VAR}` substitution and `GOTTHARD_*` overrides. */
  env?: Record<string, string | undefined>;
  /** Folder that relative paths resolve against; default: the config file's folder or the working directory. */
  baseDir?: string;
}

/** Reads, substitutes, validates and freezes a YAML config file. Makes no network calls. */
export function loadConfigFile(file: string, opts: LoadOptions = {}): Readonly<GotthardConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new GotthardError(
      'GT_CONFIG_FILE',
      `cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return loadConfigText(text, { ...opts, baseDir: opts.baseDir ?? dirname(resolve(file)), fileName: file });
}

/** Like `loadConfigFile`, from YAML text. `fileName` is only used in messages. */
export function loadConfigText(text: string, opts: LoadOptions & { fileName?: string } = {}): Readonly<GotthardConfig> {
  const where = opts.fileName ?? 'config';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((err) => {
      const pos = lineCounter.linePos(err.pos[0]);
      return `${where}:${pos.line}:${pos.col}: YAML syntax error: ${err.message.split('\n')[0]}`;
    });
    throw new GotthardError('GT_CONFIG_INVALID', lines.join('\n'), { errors: lines });
  }
  const env = opts.env ?? process.env;
  const raw = substituteEnv(
    doc.toJS() ?? {},
    env,
    [],
    (path) => locate(doc, lineCounter, path, where),
    opts.baseDir ?? process.cwd(),
  );
  return validateConfig(raw, {
    env,
    baseDir: opts.baseDir ?? process.cwd(),
    locate: (path) => locate(doc, lineCounter, path, where),
  });
}

/** Validates an already parsed config object (e.g. the built-in demo config). */
export function validateConfig(
  raw: unknown,
  opts: { env?: Record<string, string | undefined>; baseDir?: string; locate?: (path: PropertyKey[]) => string } = {},
): Readonly<GotthardConfig> {
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const loc = opts.locate ?? ((path: PropertyKey[]) => `config ${formatPath(path)}`);
    const lines = result.error.issues.map((issue) => describeIssue(issue, loc));
    throw new GotthardError('GT_CONFIG_INVALID', `invalid configuration:\n  ${lines.join('\n  ')}`, { errors: lines });
  }
  const config = result.data;
  const env = opts.env ?? process.env;
  const baseDir = opts.baseDir ?? process.cwd();
  const portOverride = env.GOTTHARD_HTTP_PORT;
  if (portOverride !== undefined && portOverride !== '') {
    const port = Number(portOverride);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new GotthardError(
        'GT_CONFIG_INVALID',
        `GOTTHARD_HTTP_PORT="${portOverride}" is not a TCP port; use an integer 0-65535`,
      );
    }
    config.http.port = port;
  }
  config.dataDir = abs(baseDir, config.dataDir);
  if (config.historian.path !== undefined) config.historian.path = abs(baseDir, config.historian.path);
  if (config.pki.dir !== undefined) config.pki.dir = abs(baseDir, config.pki.dir);
  if (config.http.tls.cert !== undefined) config.http.tls.cert = abs(baseDir, config.http.tls.cert);
  if (config.http.tls.key !== undefined) config.http.tls.key = abs(baseDir, config.http.tls.key);
  return deepFreeze(config);
}

function abs(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

function describeIssue(issue: z.core.$ZodIssue, loc: (path: PropertyKey[]) => string): string {
  const path = issue.path as PropertyKey[];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => `${loc([...path, k])}: unknown key "${k}"${suggestKeys(issue)}`).join('\n  ');
    case 'invalid_union': {
      const note = (issue as { note?: string }).note;
      if (note === 'No matching discriminator') {
        return `${loc(path)}: unknown or missing "${String((issue as { discriminator?: string }).discriminator ?? 'kind')}"; ${issue.message}`;
      }
      return `${loc(path)}: ${issue.message}`;
    }
    case 'invalid_type':
      return `${loc(path)}: ${issue.input === undefined ? `missing required value (expected ${issue.expected})` : issue.message}`;
    default:
      return `${loc(path)}: ${issue.message}`;
  }
}

function suggestKeys(_issue: z.core.$ZodIssue): string {
  return '; remove it or check its spelling against docs/configuration.md';
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(root)' : out;
}

/** "file:line:col path" for a path into the YAML document (the nearest existing node). */
function locate(doc: Document, lc: LineCounter, path: PropertyKey[], where: string): string {
  let node: unknown = doc.contents;
  let found: unknown = node;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(key));
      if (!pair) break;
      found = pair.key ?? pair.value;
      node = pair.value;
      if (node) found = isScalar(node) || isMap(node) || isSeq(node) ? node : found;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (!node) break;
      found = node;
    } else break;
  }
  const range = (found as { range?: [number, number, number] } | null)?.range;
  if (!range) return `${where} ${formatPath(path)}`;
  const pos = lc.linePos(range[0]);
  return `${where}:${pos.line}:${pos.col} ${formatPath(path)}`;
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const FILE_REF = /\$\{file:([^}]+)\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` with environment variables and `${file:/run/secrets/x}`
 * with a file's content (one trailing newline dropped; relative paths from the config file's folder),
 * the usual way Docker and Kubernetes hand out secrets. A missing variable or file is a config error.
 */
function substituteEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  path: PropertyKey[],
  loc: (path: PropertyKey[]) => string,
  baseDir: string,
): unknown {
  if (typeof value === 'string') {
    const withFiles = value.replace(FILE_REF, (_m, file: string) => {
      const p = abs(baseDir, file.trim());
      try {
        return readFileSync(p, 'utf8').replace(/\r?\n$/, '');
      } catch (e) {
        throw new GotthardError(
          'GT_CONFIG_INVALID',
          `${loc(path)}: cannot read secret file ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
    });
    return withFiles.replace(ENV_REF, (_m, name: string, def: string | undefined) => {
      const v = env[name];
      if (v !== undefined) return v;
      if (def !== undefined) return def;
      throw new GotthardError(
        'GT_CONFIG_INVALID',
        `${loc(path)}: environment variable ${name} is not set; set it or write \${${name}:-default}`,
      );
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...path, i], loc, baseDir));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env, [...path, k], loc, baseDir);
    return out;
  }
  return value;
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}
