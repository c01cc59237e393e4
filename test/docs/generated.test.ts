import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { generatedDocs } from '../../src/docs.js';

it('docs/configuration.md and docs/openapi.json match the code (run `npm run docs` after a change)', async () => {
  for (const [file, text] of Object.entries(await generatedDocs())) {
    assert.equal(readFileSync(file, 'utf8'), text, `${file} is out of date: run npm run docs`);
  }
});
