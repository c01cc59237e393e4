import { z } from 'zod';
import { ROLES } from '../types.js';

const valueRule = {
  dataType: z
    .enum(['Double', 'Float', 'Int', 'UInt', 'Boolean', 'String'])
    .describe('Type the written value must have (numbers are checked as numbers, integers must be whole).'),
  min: z.number().optional().describe('Lowest allowed value (numbers).'),
  max: z.number().optional().describe('Highest allowed value (numbers).'),
  values: z
    .array(z.union([z.string(), z.number(), z.boolean()]))
    .min(1)
    .optional()
    .describe('Allowed values, when only some are (e.g. recipe names).'),
};

const tagRuleSchema = z
  .object({
    tags: z
      .string()
      .min(1)
      .describe(
        'Glob on tag ids (UNS paths) that may be written, e.g. `acme/zurich/machining/*/*/production/ideal_cycle_time`.',
      ),
    ...valueRule,
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.min !== undefined && r.max !== undefined && r.min > r.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${r.min} is greater than max ${r.max}` });
    }
  });

const argSchema = z
  .object({ name: z.string().min(1).describe('Argument name (for messages).'), ...valueRule })
  .strict();

const methodRuleSchema = z
  .object({
    assets: z
      .string()
      .min(1)
      .describe('Glob on asset paths whose method may be called, e.g. `acme/zurich/machining/**`.'),
    method: z.string().min(1).describe('BrowseName of the OPC UA method on the machine object, e.g. `ResetWear`.'),
    args: z.array(argSchema).default([]).describe('Input arguments, in order, with their type and range.'),
  })
  .strict();

export const writesSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Allow writes and method calls to machines at all. Off by default.'),
    role: z
      .enum(ROLES)
      .default('engineer')
      .describe(
        'Least role a user, token or rule needs; `engineer` or `admin` (lower roles are raised to `engineer`).',
      ),
    tags: z.array(tagRuleSchema).default([]).describe('Tags that may be written (OPC UA Write), with type and range.'),
    methods: z
      .array(methodRuleSchema)
      .default([])
      .describe('Methods that may be called (OPC UA Call), per asset glob.'),
  })
  .strict()
  .default({ enabled: false, role: 'engineer', tags: [], methods: [] })
  .describe(
    'Guarded writes to machines (see docs/governance.md): off by default; allowlisted per tag and method, a reason required, every attempt audited.',
  );

export type WritesConfig = z.output<typeof writesSchema>;
export type WriteValueRule = Pick<z.output<typeof tagRuleSchema>, 'dataType' | 'min' | 'max' | 'values'>;
