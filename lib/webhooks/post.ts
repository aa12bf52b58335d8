// One HTTP POST to a webhook receiver. node:http(s) rather than fetch because it takes a `lookup`:
// the address is checked on the very connection that is made (DNS rebinding), redirects are never
// followed, and an AbortController bounds the whole exchange (connect, TLS, headers, body).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isLoopback, lookupPublicOnly, nonPublicReason } from './url';

export interface PostOutcome {
  /** The receiver's HTTP status, absent when no response arrived. */
  readonly statusCode?: number;
  readonly latencyMs: number;
  /** Why the attempt failed, if it did (network error, timeout, refused address, non-2xx). */
  readonly error?: string;
}

/** How much of a response body is read before the connection is dropped (it is not stored). */
const MAX_RESPONSE_BYTES = 64 * 1024;

export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: { readonly timeoutMs: number; readonly allowLoopback: boolean },
): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { latencyMs: 0, error: 'invalid URL' };
  }
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal)) {
    // No DNS lookup happens for an IP literal, so the lookup guard below would not see it.
    const reason = nonPublicReason(literal);
    if (reason && !(opts.allowLoopback && isLoopback(literal))) return { latencyMs: 0, error: `refused: ${literal} is ${reason}` };
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
        lookup: lookupPublicOnly({ allowLoopback: opts.allowLoopback }),
        signal: controller.signal,
        // A fresh connection per attempt: the address check runs on every delivery, and no socket
        // is kept across Lambda freezes.
        agent: false,
      });
      req.once('response', resolve);
      req.once('error', reject);
      req.end(body);
    });
    await drain(res);
    const statusCode = res.statusCode ?? 0;
    if (statusCode >= 200 && statusCode < 300) return { statusCode, latencyMs: elapsed() };
    const location = statusCode >= 300 && statusCode < 400 && res.headers.location ? ` (redirect to ${res.headers.location} not followed)` : '';
    return { statusCode, latencyMs: elapsed(), error: `HTTP ${statusCode}${location}` };
  } catch (err) {
    if (controller.signal.aborted) return { latencyMs: elapsed(), error: `timed out after ${opts.timeoutMs} ms` };
    const e = err as NodeJS.ErrnoException;
    return { latencyMs: elapsed(), error: e.code && !e.message.startsWith(e.code) ? `${e.code}: ${e.message}` : e.message };
  } finally {
    clearTimeout(timer);
  }
}

function drain(res: IncomingMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    res.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > MAX_RESPONSE_BYTES) {
        res.destroy();
        resolve();
      }
    });
    res.once('end', resolve);
    res.once('error', reject);
    res.once('close', resolve);
  });
}
