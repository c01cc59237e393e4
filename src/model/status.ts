import { StatusCodes } from 'node-opcua-status-code';

/** OPC UA StatusCode helpers (OPC UA Part 4, 7.39: the top two bits are the severity). */
const NAMES = new Map<number, string>();
for (const [name, sc] of Object.entries(StatusCodes)) {
  const v = (sc as { value?: number }).value;
  if (typeof v === 'number' && !NAMES.has(v >>> 0)) NAMES.set(v >>> 0, name);
}

export const STATUS_GOOD = 0;
/** Marks a gap: the connection was lost, values in the gap may be missing. */
export const STATUS_BAD_NO_COMMUNICATION = 0x80310000;

export type Quality = 'Good' | 'Uncertain' | 'Bad';

export function qualityOf(status: number): Quality {
  const severity = status >>> 30;
  return severity === 0 ? 'Good' : severity === 1 ? 'Uncertain' : 'Bad';
}

/** The symbolic name, e.g. `BadNoCommunication`; info bits (the low 16) are ignored for the lookup. */
export function statusName(status: number): string {
  const exact = NAMES.get(status >>> 0);
  if (exact) return exact;
  const base = NAMES.get((status & 0xffff0000) >>> 0);
  if (base) return base;
  return `${qualityOf(status)} (0x${(status >>> 0).toString(16).padStart(8, '0')})`;
}
