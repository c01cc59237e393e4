import { DeliveryError } from './types.js';

export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
}

/** Statuses worth retrying: the peer is busy, down, or timed out; everything else 4xx is a refusal. */
export function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 409 || status === 425 || status === 429;
}

/**
 * One HTTP request with the runtime's abort signal. A network failure after the request may have
 * reached the peer (reset, timeout) is reported as an uncertain, retryable DeliveryError.
 */
export async function httpRequest(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<HttpReply> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: init.signal,
      redirect: 'manual',
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const what = init.signal.aborted
      ? 'timed out or was aborted'
      : `failed (${cause?.code ?? cause?.message ?? (err as Error).message})`;
    // ECONNREFUSED means nothing was sent; anything else may have been processed.
    const uncertain = cause?.code !== 'ECONNREFUSED' && cause?.code !== 'ENOTFOUND';
    throw new DeliveryError(`${init.method} ${redact(url)} ${what}`, false, uncertain, { cause: err });
  }
  let text = '';
  try {
    text = await res.text();
  } catch (err) {
    throw new DeliveryError(`${init.method} ${redact(url)}: reply broke off (${(err as Error).message})`, false, true, {
      cause: err,
    });
  }
  return { status: res.status, headers: res.headers, text };
}

/** Throws the right DeliveryError for a non-2xx reply. */
export function refuse(what: string, r: HttpReply): never {
  const detail = r.text.length > 300 ? `${r.text.slice(0, 300)}…` : r.text;
  throw new DeliveryError(`${what}: HTTP ${r.status}${detail ? ` ${detail}` : ''}`, !retryableStatus(r.status));
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
