import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` on outbound and inbound calls. */
export const SIGNATURE_HEADER = 'x-gotthard-signature';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** The signature header value for `body` at `nowMs`. */
export function signBody(secret: string, body: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${mac}`;
}

export type SignatureCheck =
  | { ok: true; timestamp: number; mac: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' | 'expired' | 'future' };

/**
 * Verifies a signature header: the MAC must match (compared in constant time) and the timestamp
 * must lie within `maxSkewMs` of now, which bounds how long a captured request can be replayed. The
 * caller refuses a MAC it has already seen within that window (replay).
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined,
  nowMs: number,
  maxSkewMs: number,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  let t: number | undefined;
  const macs: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && v && /^[0-9a-f]{64}$/i.test(v)) macs.push(v.toLowerCase());
  }
  if (t === undefined || macs.length === 0) return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const match = macs.find((m) => timingSafeEqual(Buffer.from(m, 'hex'), expected));
  if (!match) return { ok: false, reason: 'mismatch' };
  const ageMs = nowMs - t * 1000;
  if (ageMs > maxSkewMs) return { ok: false, reason: 'expired' };
  if (ageMs < -maxSkewMs) return { ok: false, reason: 'future' };
  return { ok: true, timestamp: t, mac: match };
}

/** Constant-time comparison of a bearer token. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHmac('sha256', 'gotthard-token').update(expected).digest();
  const b = createHmac('sha256', 'gotthard-token').update(given).digest();
  return timingSafeEqual(a, b);
}
