import { z } from 'zod';
import { configSchema } from './schema.js';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  'x-secret'?: boolean;
  pattern?: string;
};

/** The config's JSON Schema (input side: what a user writes), generated from the zod schema. */
export function configJsonSchema(): JsonSchema {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
}

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((e) => `\`${String(e)}\``).join(' \\| ');
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return [...new Set(alts.map(typeOf))].join(' \\| ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'any'}`;
  if (Array.isArray(s.type)) return s.type.join(' \\| ');
  return s.type ?? 'any';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function walk(s: JsonSchema, path: string, rows: string[]): void {
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.some((a) => a.properties)) {
    for (const alt of alts) {
      const disc = Object.entries(alt.properties ?? {}).find(([, p]) => p.const !== undefined);
      const label = disc ? `${path} (${disc[0]}: ${String(disc[1].const)})` : path;
      walk(alt, label, rows);
    }
    return;
  }
  if (s.type === 'array' && s.items && (s.items.properties || s.items.anyOf || s.items.oneOf)) {
    walk(s.items, `${path}[]`, rows);
    return;
  }
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const p = path === '' ? key : `${path}.${key}`;
    const required = s.required?.includes(key) && prop.default === undefined;
    const def = prop.default === undefined ? (required ? '**required**' : '') : `\`${JSON.stringify(prop.default)}\``;
    const secret = prop['x-secret'] ? ' *Secret.*' : '';
    rows.push(`| \`${p}\` | ${typeOf(prop)} | ${def} | ${cell((prop.description ?? '') + secret)} |`);
    walk(prop, p, rows);
  }
}

/** docs/configuration.md, generated so that no default is written twice. */
export function configReferenceMarkdown(): string {
  const rows: string[] = [];
  walk(configJsonSchema(), '', rows);
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config/schema.ts and the source schemas by `npm run docs`. Do not edit by hand. -->',
    '',
    'Gotthard reads one YAML file (`gotthard start --config FILE`). It is validated when loaded, before any',
    'connection is made; an error names the file, line, column and YAML path, e.g.',
    '`gotthard.yaml:12:15 sources[0].endpoint: expected an opc.tcp URL`. Unknown keys are errors.',
    'Strings may use `${VAR}` or `${VAR:-default}` to take values from the environment (use it for secrets).',
    'Durations are milliseconds or strings with a unit: `500ms`, `1s`, `15m`, `2h`, `90d`.',
    '`GOTTHARD_HTTP_PORT` overrides `http.port`. The full JSON Schema: `gotthard config schema`.',
    'An annotated example: [`gotthard.example.yaml`](../gotthard.example.yaml).',
    '',
    '| key | type | default | description |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
