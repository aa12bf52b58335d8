// The route and rule tables are data that the CDK app and the local runtime both loop over: every
// row must point at an entry that exists and exports `handler`, and no two rows may collide.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_RULES } from '../../lib/events/rules';
import { API_ROUTES, HTTP_ROUTES, PAGE_ROUTES, ROUTES, WS_ROUTES } from '../../lib/routes';

const root = resolve(import.meta.dirname, '../..');
const entries = [...ROUTES.map((r) => r.entry), ...EVENT_RULES.map((r) => r.entry)];

describe('route and rule tables', () => {
  it.each(entries)('%s exists and exports handler', (entry) => {
    const file = resolve(root, entry);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/export\s+(const|async function|function)\s+handler\b/);
  });

  it('has exactly the three WebSocket routes, none with a route response (answers go through @connections)', () => {
    expect(WS_ROUTES.map((r) => r.routeKey).sort()).toEqual(['$connect', '$default', '$disconnect']);
    expect(WS_ROUTES.filter((r) => r.routeResponse).map((r) => r.routeKey)).toEqual([]);
  });

  it('names a path variable the same wherever routes share the segments before it (API Gateway refuses two names at one level)', () => {
    const nameAt = new Map<string, string>();
    for (const r of HTTP_ROUTES) {
      const segments = r.path.split('/');
      segments.forEach((segment, i) => {
        if (!segment.startsWith('{')) return;
        // The parent path, with every variable written alike: `/api/v1/x/{}/y`.
        const parent = segments.slice(0, i).map((s) => (s.startsWith('{') ? '{}' : s)).join('/');
        const seen = nameAt.get(parent) ?? nameAt.set(parent, segment).get(parent)!;
        expect(segment, `${r.method} ${r.path}: ${parent}/${seen} elsewhere`).toBe(seen);
      });
    }
  });

  it('has no duplicate HTTP route keys; the JSON API is under /api and pages are not', () => {
    const keys = HTTP_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of API_ROUTES) expect(r.path).toMatch(/^\/api\//);
    for (const r of PAGE_ROUTES) expect(r.path).not.toMatch(/^\/api\//);
    expect(HTTP_ROUTES).toEqual([...API_ROUTES, ...PAGE_ROUTES]);
  });

  it('serves pages only with GET and without login (a link is the credential)', () => {
    for (const r of PAGE_ROUTES) expect([r.method, r.auth]).toEqual(['GET', 'none']);
  });

  it('never serves local-only endpoints from the table (they must not exist on AWS)', () => {
    for (const r of HTTP_ROUTES) expect(r.path).not.toMatch(/_local|outbox|@connections/);
  });

  it('gives every event rule a unique frozen name', () => {
    const names = EVENT_RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
