import { z } from 'zod';
import { CLASSIFICATIONS } from '../types.js';

const tagGlob = z
  .string()
  .min(1)
  .describe('Glob on tag ids (UNS paths): `*` one segment, `**` any number, e.g. `acme/*/machining/**/energy/*`.');

const classification = z
  .enum(CLASSIFICATIONS)
  .describe(
    'public / internal / confidential / restricted. Confidential and restricted tags never leave the hub unless an `allow` rule names the sink.',
  );

const ruleSchema = z
  .object({
    tags: tagGlob,
    owner: z
      .string()
      .min(1)
      .optional()
      .describe('Who answers for the data, e.g. `maintenance@acme.example` or `Line 1 process engineering`.'),
    classification: classification.optional(),
    retentionClass: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Retention class (from `historian.retention`) for the matching tags; applied when the tags are registered.',
      ),
  })
  .strict();

const allowSchema = z
  .object({
    tags: tagGlob,
    sinks: z
      .array(z.string().regex(/^[a-z]+:[^\s]+$/, 'write `<kind>:<name>`, e.g. `mqtt:uns`, `webhook:*`'))
      .min(1)
      .describe(
        'Sinks (`<kind>:<name>`, globs allowed) the matching confidential or restricted tags may go to, e.g. `mqtt:uns`, `webhook:cmms`, `erp:*`.',
      ),
    reason: z.string().min(1).describe('Why this exception exists (shown in the catalog).'),
  })
  .strict();

const readerSchema = z
  .object({
    tags: tagGlob,
    principals: z
      .array(
        z
          .string()
          .regex(
            /^(user|token):[^\s]+$|^role:(viewer|operator|engineer|admin)$/,
            'write `user:<name>`, `token:<name>` or `role:<viewer|operator|engineer|admin>` (that role or higher)',
          ),
      )
      .min(1)
      .describe(
        'Who may read the matching confidential or restricted tags: `user:olga`, `token:erp`, `role:engineer`.',
      ),
    reason: z.string().min(1).optional().describe('Why they may (shown in the catalog and the docs).'),
  })
  .strict();

const tagSourceSchema = z
  .object({
    tags: tagGlob,
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a source connection name, e.g. `demo-plant`')
      .describe('The source connection whose values the matching tag ids take.'),
  })
  .strict();

export const governanceSchema = z
  .object({
    default: z
      .object({
        classification: classification.default('internal'),
        owner: z.string().min(1).optional().describe('Owner of tags no rule names.'),
      })
      .strict()
      .default({ classification: 'internal' })
      .describe('Applies to every tag before the rules.'),
    rules: z
      .array(ruleSchema)
      .default([])
      .describe(
        'Owner, classification and retention by tag glob; every matching rule applies in order, a later one overriding the fields it sets.',
      ),
    allow: z
      .array(allowSchema)
      .default([])
      .describe('Explicit exceptions: confidential or restricted tags that may still go to the named sinks.'),
    readers: z
      .array(readerSchema)
      .default([])
      .describe(
        'Read grants: a confidential or restricted tag is served (REST, CSV, data sets, the live WebSocket, events) only to a principal a matching entry names; without one it is refused as if withheld.',
      ),
    tagSources: z
      .array(tagSourceSchema)
      .default([])
      .describe(
        'Which source owns which tag ids (first matching entry wins). Without an entry a tag id belongs to the source that declared it first (kept across restarts); a value for it from any other source is refused with a `tag.collision` event.',
      ),
  })
  .strict()
  .default({ default: { classification: 'internal' }, rules: [], allow: [], readers: [], tagSources: [] })
  .describe(
    'Data governance (see docs/governance.md): owner, classification and retention per tag; classification decides what leaves the hub.',
  );

export type GovernanceConfig = z.output<typeof governanceSchema>;
