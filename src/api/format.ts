import type { StoredSample } from '../historian/types.js';
import { statusName } from '../model/status.js';
import type { TagRecord } from '../model/tag.js';

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function sampleOut(s: StoredSample, tag: Pick<TagRecord, 'dataType'>) {
  return {
    ts: iso(s.ts),
    serverTs: iso(s.serverTs),
    value: tag.dataType === 'Boolean' && typeof s.value === 'number' ? s.value : s.value,
    statusCode: s.status >>> 0,
    status: statusName(s.status),
  };
}

export function tagOut(t: TagRecord) {
  const { key: _key, ...rest } = t;
  return rest;
}
