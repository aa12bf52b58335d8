// Small HTTP helpers for API tests: JSON in, status + JSON out.
import { request } from 'node:http';
import type { LocalRuntime } from '../../../local/runtime';

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export function apiClient(rt: LocalRuntime) {
  return async function api<T = Record<string, unknown>>(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const res = await fetch(`${rt.url}${path}`, {
      method,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
  };
}

/**
 * The same client, sending from another loopback address (127.0.0.2, 127.0.0.3, …: Linux routes
 * all of 127/8 to lo), so the runtime sees a different source IP: per-client limits see a new client.
 */
export function apiClientFrom(rt: LocalRuntime, sourceAddress: string) {
  // `csv`: a text/csv body sent as it is (the device catalogue import, issue #17) instead of JSON.
  return function api<T = Record<string, unknown>>(method: string, path: string, opts: { token?: string; body?: unknown; csv?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const payload = opts.csv ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
    // The runtime listens on 127.0.0.1; `localhost` may resolve to ::1, which a 127.x source cannot reach.
    const url = new URL(path, rt.url);
    url.hostname = '127.0.0.1';
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          localAddress: sourceAddress,
          headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(payload !== undefined ? { 'content-type': opts.csv !== undefined ? 'text/csv' : 'application/json' } : {}), ...opts.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, String(v));
            // An export or an image is not JSON: its text is the body.
            const json = /json/.test(res.headers['content-type'] ?? 'json') && !/ndjson/.test(res.headers['content-type'] ?? '');
            resolve({ status: res.statusCode ?? 0, body: (text && json ? JSON.parse(text) : text) as T, headers });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  };
}

let n = 0;
export function anEmail(prefix = 'installer'): string {
  n += 1;
  return `${prefix}.${process.pid}.${Date.now().toString(36)}.${n}@example.com`;
}

export interface SignedInAccount {
  readonly email: string;
  readonly password: string;
  readonly accountId: string;
  readonly token: string;
  /** Logs in again (a fresh 1-hour token: after the test moved the clock, say). */
  login(): Promise<string>;
}

/** A verified, signed-in person account (signup, verify from the outbox, login), as the apps do it. */
export async function aSignedInAccount(rt: LocalRuntime, opts: { email?: string; name?: string; from?: string } = {}): Promise<SignedInAccount> {
  // `from`: another loopback source address, so many sign-ups stay within the per-client limits.
  const api = opts.from ? apiClientFrom(rt, opts.from) : apiClient(rt);
  const email = opts.email ?? anEmail();
  const password = 'Correct-Horse-42';
  await api('POST', '/api/v1/installer/signup', { body: { email, password, name: opts.name ?? 'Sam' } });
  await rt.drain();
  const t = /Verification token: (\S+)/.exec(rt.outbox.list({ to: email }).find((m) => /Verification token/.test(m.text ?? ''))!.text!)![1]!;
  const verified = await api<{ installer_id: string }>('POST', '/api/v1/installer/verify-email', { body: { token: t, password } });
  const login = async () => (await api<{ access_token: string }>('POST', '/api/v1/installer/login', { body: { email, password } })).body.access_token;
  return { email, password, accountId: verified.body.installer_id, token: await login(), login };
}

/**
 * An installer on the seed project (signup, verify, login, added by the operator), as the installer
 * app does it; returns the bearer token for the installer API.
 */
export async function anInstallerOnTheSeedProject(rt: LocalRuntime): Promise<string> {
  const account = await aSignedInAccount(rt);
  await apiClient(rt)('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/installers`, { token: rt.seed!.operatorApiKey, body: { email: account.email } });
  return account.token;
}
