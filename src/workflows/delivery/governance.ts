import type { DataGovernance } from '../../security/types.js';
import type { Connector, GovernedEntry } from './connectors/types.js';
import type { OutboxEntry } from './outbox.js';
import { filterEvidence } from './payload.js';

export type GovernanceVerdict = { ok: true; entry: GovernedEntry } | { ok: false; reason: string };

/** The governance sink an entry leaves through: the connector's, or the action's own (http.call: its host). */
export function sinkOfEntry(c: Connector, e: OutboxEntry): string {
  return e.payload.type === 'action' && c.sinkOf ? c.sinkOf(e.payload.action) : c.sink;
}

/**
 * The classification stage in front of every connector (src/security/governance): the delivery
 * runtime runs it on each entry right before `deliver`, with the governance of that moment, so a
 * rule tightened after the entry was queued still holds, and no connector (built in or added later)
 * can send what it refuses. Work-order evidence of tags that may not leave through `sink` is removed
 * and named in `withheldTagIds`; an action carrying such values is refused whole (its payload is
 * rendered from a template, so a value cannot be cut out of it).
 */
export function governanceStage(
  entry: OutboxEntry,
  sink: string,
  governance: DataGovernance | undefined,
): GovernanceVerdict {
  const p = entry.payload;
  if (p.type === 'workorder') {
    const { change, withheldTagIds } = filterEvidence(p.change, sink, governance);
    const withheld = [...new Set([...p.withheldTagIds, ...withheldTagIds])];
    return { ok: true, entry: { ...entry, payload: { ...p, change, withheldTagIds: withheld }, governed: true } };
  }
  const refused = governance ? p.tagIds.filter((t) => !governance.mayLeave(t, sink)) : [];
  if (refused.length > 0) {
    return {
      ok: false,
      reason: `classification: ${refused.join(', ')} may not leave through ${sink}; allow it in governance, then retry`,
    };
  }
  return { ok: true, entry: { ...entry, governed: true } };
}
