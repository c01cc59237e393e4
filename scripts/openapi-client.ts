// The web app's and integrators' TypeScript types of the API, generated from the OpenAPI document
// by openapi-typescript (used with openapi-fetch). Written by `npm run docs`; test/api/openapi.test.ts
// checks the committed file is up to date, so a route schema change shows up in `npm run typecheck`.
import openapiTS, { astToString } from 'openapi-typescript';

export const CLIENT_TYPES_FILE = 'src/web/src/generated/openapi.ts';

export async function clientTypes(document: object): Promise<string> {
  const ast = await openapiTS(structuredClone(document) as never, { alphabetize: false });
  return `// Generated from docs/openapi.json by scripts/openapi-client.ts (npm run docs). Do not edit.\n\n${astToString(ast)}`;
}
