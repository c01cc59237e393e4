import type { TagDefinition } from '../../model/tag.js';
import { IMPORT_SOURCE, type ImportsConfig } from './config.js';

/** The tag definitions of the `imports` config, with the lineage source `import`. */
export function importTagDefinitions(imports: ImportsConfig): TagDefinition[] {
  return imports.flatMap((a) =>
    a.tags.map((t) => ({
      id: `${a.asset}/${t.name}`,
      assetPath: a.asset,
      name: t.name.split('/').pop() as string,
      dataType: t.dataType,
      ...(t.unit === undefined ? {} : { unit: t.unit }),
      ...(t.description === undefined ? {} : { description: t.description }),
      lineage: { source: IMPORT_SOURCE, endpoint: 'import', nodeId: `${a.asset}/${t.name}` },
    })),
  );
}
