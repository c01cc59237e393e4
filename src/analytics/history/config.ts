import { z } from 'zod';
import type { TagDataType } from '../../model/tag.js';

const PATH = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*$/;
const PATH_HELP = 'lower-case segments of [a-z0-9_-] separated by "/" (a unified-namespace path)';
const DATA_TYPES = ['Double', 'Float', 'Int', 'UInt', 'Boolean', 'String'] as const satisfies readonly TagDataType[];

/** The lineage source of tags declared for import only: no connection reads them, nothing writes to them. */
export const IMPORT_SOURCE = 'import';

/**
 * Tags declared for import only: history of a machine without a connection (an old machine, a manual
 * log, another plant's historian) can be loaded with `gotthard import` / `POST /api/v1/import`
 * without inventing a device. The hub registers them at start (the CLI before an offline import).
 */
export const importsSchema = z
  .array(
    z
      .object({
        asset: z
          .string()
          .regex(PATH, PATH_HELP)
          .describe('Asset path of the machine, e.g. `acme/zurich/machining/line2/lathe3`.')
          .meta({ examples: ['acme/zurich/machining/line2/lathe3'] }),
        tags: z
          .array(
            z
              .object({
                name: z
                  .string()
                  .regex(PATH, PATH_HELP)
                  .describe(
                    'Path below the asset; the tag id is `<asset>/<name>`, e.g. `production/good_parts` (the KPI signals: status/machine_state, production/good_parts, production/scrap_parts, production/ideal_cycle_time, energy/energy_total).',
                  ),
                dataType: z.enum(DATA_TYPES).default('Double').describe('How values are parsed and stored.'),
                unit: z.string().min(1).optional().describe('Engineering unit, e.g. `kWh`.'),
                description: z.string().optional(),
              })
              .strict(),
          )
          .min(1)
          .describe('The tags of this asset that are loaded by import.'),
      })
      .strict(),
  )
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Map<string, string>();
    list.forEach((a, i) => {
      a.tags.forEach((t, j) => {
        const id = `${a.asset}/${t.name}`;
        const at = `imports[${i}].tags[${j}]`;
        const first = seen.get(id);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'tags', j, 'name'],
            message: `tag "${id}" is declared twice (${first} and ${at})`,
          });
        }
        seen.set(id, at);
      });
    });
  })
  .describe(
    'Tags declared for import only (no device or source): history of machines without a connection is loaded with `gotthard import` or `POST /api/v1/import`.',
  );

export type ImportsConfig = z.output<typeof importsSchema>;
