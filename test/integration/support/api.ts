// Small HTTP helpers for API tests: JSON in, status + JSON out.
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

let n = 0;
export function anEmail(prefix = 'installer'): string {
  n += 1;
  return `${prefix}.${process.pid}.${Date.now().toString(36)}.${n}@example.com`;
}
