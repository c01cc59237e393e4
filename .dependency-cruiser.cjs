/**
 * Gotthard's layering, checked on every `npm test` (`npm run lint:deps`). The rules and the folder
 * layout are explained in docs/architecture.md, section "Layering". A broken rule prints the rule
 * name, the importing file and the imported file; fix the import, do not widen an exception
 * without writing its reason here.
 *
 * A "feature" is a top-level folder of src/ (src/api, src/historian, …); in the two grouping folders
 * src/security and src/analytics each sub-folder (src/security/auth, src/analytics/kpi, …) is a
 * feature of its own. Type-only imports count: they are how contracts leak.
 */

/** Paths any feature may import although they are not an index.ts, each with its reason. */
const sharedLeaves = [
  // The shared vocabulary (SampleBatch, StatusCode, Tag, machine states): dependency-free leaves that
  // every layer speaks; forcing model/index.ts would only lengthen import lines.
  '^src/model/',
  // The error catalogue: one file at the root, imported by everything that throws.
  '^src/errors\\.ts$',
  // Config field types (duration(), secret()) that each feature's config schema is built from.
  // config/index.ts also loads the root schema, which imports every feature's config.ts: a cycle.
  '^src/config/types\\.ts$',
  // The pipeline contracts (Source, Sink, EventSink, HubEvent): a type-only leaf that sources, sinks
  // and features implement.
  '^src/pipeline/types\\.ts$',
  // The runtime (supervisor, backoff, contracts every connector implements) is the layer below all
  // connectors; its modules are leaves that each connector imports directly.
  '^src/runtime/',
  // The security contract (Principal, RouteAccess, AuditRecord, the Fastify request augmentation):
  // a leaf every route, rule engine and sink checks against.
  '^src/security/types\\.ts$',
  // Scope filters over that contract (which events and audit records a principal may see): pure
  // functions beside types.ts, used by the routes that return events or audit records.
  '^src/security/scope\\.ts$',
  // The historian contract (Historian, StoredSample, queries): a type-only leaf. historian/index.ts
  // would bring the engine registry, and through it the whole config schema, into every reader.
  '^src/historian/types\\.ts$',
];

/** The root config schema, which alone may import a feature's config.ts (see its rule). */
const rootSchema = '^src/config/schema\\.ts$';

/** Any index.ts is a folder's door (src/sources/opcua/index.ts as well as src/sources/index.ts). */
const door = '(^|/)index\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'sources-not-sinks',
      comment:
        'A source never imports a sink (src/uns, src/historian): shared protocol code belongs in src/protocols, ' +
        'shared contracts in src/runtime or src/model.',
      severity: 'error',
      from: { path: '^src/sources/' },
      to: { path: '^src/(uns|historian)/' },
    },
    {
      name: 'api-not-sim',
      comment:
        'The API serves real plants: it never imports the demo simulator. Shared codes (machine states) live in src/model.',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^src/sim/' },
    },
    {
      name: 'security-not-api',
      comment:
        'Security is below the API: it provides hooks and services that the API registers; HTTP routes live in src/api/routes.',
      severity: 'error',
      from: { path: '^src/security/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'sim-only-from-composition-root',
      comment:
        'The demo plant is started by the hub or the CLI (`--demo`, `gotthard sim`); no feature depends on it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(sim|hub|cli)/' },
      to: { path: '^src/sim/' },
    },
    {
      name: 'hub-is-the-top',
      comment:
        'src/hub (the composition root) and src/cli sit on top: nothing below imports them (src/docs.ts builds docs from the running shape).',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(hub|cli)/', '^src/docs\\.ts$'] },
      to: { path: '^src/(hub|cli)/' },
    },
    {
      name: 'model-is-a-leaf',
      comment: 'src/model is the shared vocabulary: it imports nothing else from src/ (libraries only).',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^src/', pathNot: '^src/model/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only ones included: a cycle means two modules are one, or a contract is misplaced.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'enter-through-index',
      comment:
        "A feature enters another top-level folder only through an index.ts (its public door), or a shared leaf listed in .dependency-cruiser.cjs.",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: rootSchema },
      to: { path: '^src/', pathNot: ['^src/$1/', door, ...sharedLeaves] },
    },
    {
      name: 'schema-through-config-or-index',
      comment:
        "The root config schema composes each feature's config.ts (its second door, which holds only the schema): " +
        "the schema then depends on schemas, not on each feature's runtime, and no cycle closes through config/index.ts.",
      severity: 'error',
      from: { path: rootSchema },
      to: { path: '^src/', pathNot: ['^src/config/', door, '/config\\.ts$', ...sharedLeaves] },
    },
    {
      name: 'enter-sibling-through-index',
      comment:
        'Inside src/security and src/analytics each sub-folder is a feature: a sibling enters it only through its index.ts.',
      severity: 'error',
      from: { path: '^src/(security|analytics)/([^/]+)/' },
      to: { path: '^src/$1/[^/]+/', pathNot: ['^src/$1/$2/', door, ...sharedLeaves] },
    },
    {
      name: 'root-through-index',
      comment: 'Files at the root of src/ enter folders only through an index.ts (or a shared leaf).',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '^src/[^/]+/', pathNot: [door, ...sharedLeaves] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The web app is a separate bundle with its own tsconfig; it talks to the hub over HTTP only.
    exclude: { path: '^src/web/' },
    // Count `import type` too (TypeScript erases it, but it is still a dependency of the design).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
