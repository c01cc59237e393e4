import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfigFile, loadConfigText, parseDuration } from '../../src/config/index.js';
import { GotthardError } from '../../src/errors.js';

const GOOD = `
dataDir: ./state
http:
  port: 9090
assets:
  enterprise: { id: acme }
  sites:
    - id: zurich
      areas:
        - id: machining
          lines:
            - id: line1
              machines: [{ id: cnc1 }]
historian:
  flushInterval: 500ms
  retention:
    - class: default
      maxAge: 90d
sources:
  - kind: opcua
    name: plc1
    endpoint: opc.tcp://plc1.local:4840
    assetPrefix: acme/zurich
    browse:
      - root: /Objects/Plant
        levels: [area, line, machine]
`;

function configError(fn: () => unknown): GotthardError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GotthardError, `expected GotthardError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the config to be rejected');
}

describe('config loader', () => {
  it('accepts a valid file, applies defaults, resolves paths and freezes the result', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-config-'));
    const file = join(dir, 'gotthard.yaml');
    writeFileSync(file, GOOD);
    const c = loadConfigFile(file, { env: {} });
    assert.equal(c.http.port, 9090);
    assert.equal(c.http.host, '127.0.0.1');
    assert.equal(c.dataDir, join(dir, 'state'));
    assert.equal(c.historian.flushInterval, 500);
    assert.equal(c.historian.retention[0]?.maxAge, 90 * 86_400_000);
    const src = c.sources[0];
    assert.equal(src?.kind, 'opcua');
    if (src?.kind !== 'opcua') return;
    assert.equal(src?.securityMode, 'SignAndEncrypt');
    assert.equal(src?.securityPolicy, 'Basic256Sha256');
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.http) && Object.isFrozen(c.sources[0]));
    assert.throws(() => {
      (c.http as { port: number }).port = 1;
    }, TypeError);
  });

  it('rejects a wrong type with file, line and YAML path', () => {
    const e = configError(() =>
      loadConfigText(GOOD.replace('port: 9090', 'port: "ninety"'), { fileName: 'g.yaml', env: {} }),
    );
    assert.equal(e.code, 'GT_CONFIG_INVALID');
    assert.match(e.message, /g\.yaml:4:\d+ http\.port: Invalid input: expected number, received string/);
  });

  it('rejects an unknown key and names it', () => {
    const e = configError(() =>
      loadConfigText(GOOD.replace('    assetPrefix: acme/zurich', '    assetPrefix: acme/zurich\n    endpont: x'), {
        fileName: 'g.yaml',
        env: {},
      }),
    );
    assert.match(e.message, /g\.yaml:\d+:\d+ sources\[0\]\.endpont: unknown key "endpont"/);
  });

  it('rejects a source without endpoint', () => {
    const e = configError(() =>
      loadConfigText(GOOD.replace('    endpoint: opc.tcp://plc1.local:4840\n', ''), { fileName: 'g.yaml', env: {} }),
    );
    assert.match(e.message, /sources\[0\]\.endpoint: missing required value/);
  });

  it('rejects an unknown source kind with the valid options', () => {
    const e = configError(() => loadConfigText(GOOD.replace('kind: opcua', 'kind: s7'), { env: {} }));
    assert.match(e.message, /sources\[0\].*kind/);
    assert.match(e.message, /opcua/);
  });

  it('rejects a bad duration and a security mode/policy mismatch', () => {
    const e1 = configError(() => loadConfigText(GOOD.replace('500ms', 'soon'), { env: {} }));
    assert.match(e1.message, /historian\.flushInterval: "soon" is not a duration/);
    const e2 = configError(() =>
      loadConfigText(GOOD.replace('    assetPrefix:', '    securityMode: None\n    assetPrefix:'), { env: {} }),
    );
    assert.match(e2.message, /securityPolicy.*None/);
  });

  it('rejects a retention class that historian.retention does not define', () => {
    const e = configError(() =>
      loadConfigText(
        GOOD.replace(
          '        levels: [area, line, machine]',
          '        levels: [area, line, machine]\n        retentionClass: fast',
        ),
        {
          fileName: 'g.yaml',
          env: {},
        },
      ),
    );
    assert.match(
      e.message,
      /g\.yaml:\d+:\d+ sources\[0\]\.browse\[0\]\.retentionClass: retention class "fast" is not defined/,
    );
  });

  it('reports YAML syntax errors with line and column', () => {
    const e = configError(() => loadConfigText('http:\n  port: [1, 2\n', { fileName: 'bad.yaml', env: {} }));
    assert.match(e.message, /bad\.yaml:\d+:\d+: YAML syntax error/);
  });

  it('substitutes environment variables and fails clearly when one is missing', () => {
    const text = GOOD.replace(
      '    assetPrefix: acme/zurich',
      '    assetPrefix: acme/zurich\n    identity: { type: username, username: op, password: "${PLC_PASSWORD}" }',
    );
    const c = loadConfigText(text, { env: { PLC_PASSWORD: 's3cret' } });
    const s0 = c.sources[0];
    const id = s0?.kind === 'opcua' ? s0.identity : undefined;
    assert.equal(id?.type === 'username' ? id.password : undefined, 's3cret');
    const e = configError(() => loadConfigText(text, { env: {}, fileName: 'g.yaml' }));
    assert.match(e.message, /sources\[0\]\.identity\.password: environment variable PLC_PASSWORD is not set/);
  });

  it('GOTTHARD_HTTP_PORT overrides the port and is validated', () => {
    assert.equal(loadConfigText(GOOD, { env: { GOTTHARD_HTTP_PORT: '8181' } }).http.port, 8181);
    const e = configError(() => loadConfigText(GOOD, { env: { GOTTHARD_HTTP_PORT: 'http' } }));
    assert.match(e.message, /GOTTHARD_HTTP_PORT="http" is not a TCP port/);
  });

  it('a missing file is named', () => {
    const e = configError(() => loadConfigFile('/nonexistent/gotthard.yaml'));
    assert.match(e.message, /cannot read config file \/nonexistent\/gotthard\.yaml: ENOENT/);
  });

  it('the example config in the repository is valid', () => {
    const c = loadConfigFile('gotthard.example.yaml', { env: { PLC_PASSWORD: 'x' } });
    assert.ok(c.sources.length > 0);
    assert.ok(readFileSync('gotthard.example.yaml', 'utf8').includes('kind: opcua'));
  });

  it('parses durations', () => {
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration(250), 250);
    assert.equal(parseDuration('5 parsecs'), undefined);
  });
});
