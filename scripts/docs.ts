// Regenerates the documents that are derived from code: docs/configuration.md (from the config
// schema) and docs/openapi.json (from the route schemas). `npm test` checks they are up to date.
import { writeFileSync } from 'node:fs';
import { generatedDocs } from '../src/docs.js';

for (const [file, text] of Object.entries(await generatedDocs())) {
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
