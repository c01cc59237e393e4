import { Type } from 'typebox';

export const ErrorReply = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code from the catalogue, e.g. GT_BAD_REQUEST.' }),
      message: Type.String({ description: 'What was wrong, where, and what to do.' }),
    }),
  },
  { $id: 'ErrorReply' },
);

export const Lineage = Type.Object({
  source: Type.String({ description: 'Source connection name from the config.' }),
  endpoint: Type.String({ description: 'OPC UA endpoint URL.' }),
  nodeId: Type.String({ description: 'NodeId with namespace URI (nsu=…).' }),
  browsePath: Type.Optional(Type.String()),
});

export const Tag = Type.Object({
  id: Type.String({ description: 'Stable tag id = unified-namespace path.' }),
  assetPath: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  dataType: Type.String(),
  unit: Type.Optional(Type.String()),
  euRange: Type.Optional(Type.Object({ low: Type.Number(), high: Type.Number() })),
  retentionClass: Type.Optional(Type.String()),
  lineage: Lineage,
});

export const Value = Type.Union([Type.Number(), Type.String(), Type.Null()]);

export const SampleOut = Type.Object({
  ts: Type.String({ description: 'Source timestamp, ISO 8601.' }),
  serverTs: Type.String({ description: 'Server timestamp, ISO 8601.' }),
  value: Value,
  statusCode: Type.Integer({ description: 'OPC UA StatusCode (32-bit).' }),
  status: Type.String({ description: 'StatusCode name, e.g. Good, BadNoCommunication.' }),
});

export const SourceHealth = Type.Object({
  name: Type.String(),
  kind: Type.String(),
  endpoint: Type.String(),
  state: Type.String(),
  securityMode: Type.String(),
  securityPolicy: Type.String(),
  serverCertificateThumbprint: Type.Optional(Type.String()),
  tags: Type.Integer(),
  rejectedTags: Type.Integer(),
  monitoredItems: Type.Integer(),
  valuesReceived: Type.Number(),
  lastValueAt: Type.Optional(Type.String()),
  connectedSince: Type.Optional(Type.String()),
  reconnects: Type.Integer(),
  lastError: Type.Optional(Type.String()),
});

/** The ISA-95 asset tree; recursive, so its node is one named schema (`AssetNode`) that refers to itself. */
export const AssetTree = Type.Cyclic(
  {
    AssetNode: Type.Object({
      path: Type.String(),
      id: Type.String(),
      name: Type.String(),
      level: Type.String({ description: 'enterprise, site, area, line, machine or component' }),
      description: Type.Optional(Type.String()),
      tagCount: Type.Integer(),
      children: Type.Array(Type.Ref('AssetNode')),
    }),
  },
  'AssetNode',
);
