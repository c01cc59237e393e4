import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { opcuaSourceSchema } from '../../../src/sources/opcua/index.js';

const base = {
  kind: 'opcua',
  name: 'plc1',
  endpoint: 'opc.tcp://plc1:4840',
  assetPrefix: 'acme/zurich',
  nodes: [{ nodeId: 'ns=2;s=Speed', tag: 'machining/line1/cnc1/spindle/speed' }],
};

function issues(input: unknown) {
  const r = opcuaSourceSchema.safeParse(input);
  assert.equal(r.success, false);
  return r.error?.issues ?? [];
}

test('defaults come from the schema', () => {
  const c = opcuaSourceSchema.parse(base);
  assert.equal(c.securityMode, 'SignAndEncrypt');
  assert.equal(c.securityPolicy, 'Basic256Sha256');
  assert.deepEqual(c.identity, { type: 'anonymous' });
  assert.equal(c.subscription.publishingIntervalMs, 1000);
  assert.equal(c.maxMonitoredItemsPerCall, 10_000);
});

test('wrong type, unknown key and missing endpoint name their path', () => {
  assert.deepEqual(issues({ ...base, browseBatchSize: 'many' })[0]?.path, ['browseBatchSize']);
  const unknown = issues({ ...base, subscription: { publishingIntervalMs: 100, sampling: 5 } })[0];
  assert.equal(unknown?.code, 'unrecognized_keys');
  assert.deepEqual(unknown?.path, ['subscription']);
  const { endpoint: _e, ...noEndpoint } = base;
  assert.deepEqual(issues(noEndpoint)[0]?.path, ['endpoint']);
  assert.deepEqual(issues({ ...base, endpoint: 'http://plc1' })[0]?.path, ['endpoint']);
});

test('security None must be asked for on both mode and policy', () => {
  assert.ok(opcuaSourceSchema.safeParse({ ...base, securityMode: 'None', securityPolicy: 'None' }).success);
  const i = issues({ ...base, securityMode: 'None' })[0];
  assert.deepEqual(i?.path, ['securityPolicy']);
  assert.match(i?.message ?? '', /securityMode None needs securityPolicy None/);
  assert.deepEqual(issues({ ...base, securityPolicy: 'None' })[0]?.path, ['securityMode']);
});

test('the password is marked secret in the JSON Schema', () => {
  const json = JSON.stringify(z.toJSONSchema(opcuaSourceSchema, { io: 'input' }));
  assert.match(json, /"x-secret":true/);
});
