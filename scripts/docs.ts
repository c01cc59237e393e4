// Regenerates docs/configuration.md and docs/openapi.json from the code (npm run docs).
import { writeFileSync } from 'node:fs';
import { configReferenceMarkdown } from '../src/config/docs.js';

writeFileSync('docs/configuration.md', configReferenceMarkdown());
console.log('wrote docs/configuration.md');
