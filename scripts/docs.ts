// Regenerates the documents that are derived from code: docs/configuration.md (from the config
// schema), docs/openapi.json (from the route schemas) and the API types the web app compiles
// against (from docs/openapi.json). `npm test` checks they are up to date.
import { writeFileSync } from 'node:fs';
import { generatedDocs } from '../src/docs.js';
import { CLIENT_TYPES_FILE, clientTypes } from './openapi-client.js';

const docs = await generatedDocs();
for (const [file, text] of Object.entries(docs)) {
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
writeFileSync(CLIENT_TYPES_FILE, await clientTypes(JSON.parse(docs['docs/openapi.json'] as string)));
console.log(`wrote ${CLIENT_TYPES_FILE}`);
