// The webhook rows of the route and rule tables: every event except internal ones fans out, each
// function gets only the table access it uses, and the literal event source matches the bus's.
import { describe, expect, it } from 'vitest';
import { EVENT_SCHEMAS } from '../../../lib/events/catalogue';
import { EVENT_RULES, EVENT_SOURCE, matchesRule, scheduleRateMs } from '../../../lib/events/rules';
import { HTTP_ROUTES } from '../../../lib/routes';
import { WEBHOOK_EVENT_SOURCE, WEBHOOK_ROUTES, WEBHOOK_RULES } from '../../../lib/webhooks/routes';

describe('webhook routes and rules', () => {
  it('uses the same event source as the publisher', () => {
    expect(WEBHOOK_EVENT_SOURCE).toBe(EVENT_SOURCE);
  });

  it('fans out every catalogue event type except the internal ones (email, the local list sync, the power planner)', () => {
    const fanout = EVENT_RULES.find((r) => r.name === 'webhook-fanout')!;
    const internal = ['email.requested', 'cards.changed', 'local_list.sync_requested', 'power.replan_requested', 'powerbank.activation_due'];
    for (const type of Object.keys(EVENT_SCHEMAS)) {
      expect(matchesRule(fanout, { source: EVENT_SOURCE, detailType: type })).toBe(!internal.includes(type));
    }
    expect(matchesRule(fanout, { source: 'aws.events', detailType: 'charge_point.connected' })).toBe(false);
  });

  it('invokes the power planner and the PowerBank boot check only for the events they act on (a data filter)', () => {
    const replan = EVENT_RULES.find((r) => r.name === 'power-replan')!;
    const status = (data: unknown) => matchesRule(replan, { source: EVENT_SOURCE, detailType: 'charge_point.status_changed', data });
    expect([status({ power_managed: true }), status({ power_managed: false }), status({}), status(undefined)]).toEqual([true, false, false, false]);
    const booted = EVENT_RULES.find((r) => r.name === 'powerbank-charger-booted')!;
    expect(matchesRule(booted, { source: EVENT_SOURCE, detailType: 'charge_point.booted', data: { model_changed: true } })).toBe(true);
    expect(matchesRule(booted, { source: EVENT_SOURCE, detailType: 'charge_point.booted', data: { model_changed: false } })).toBe(false);
  });

  it('sweeps for due retries once a minute', () => {
    const retry = EVENT_RULES.find((r) => r.name === 'webhook-retry')!;
    expect(retry.pattern).toBeUndefined();
    expect(scheduleRateMs(retry.schedule!)).toBe(60_000);
  });

  it('is part of the route and rule tables', () => {
    // By method, path and entry: API_ROUTES derives operator rows (every one also reads jwt-signing, for staff tokens).
    const rowKey = (r: { method: string; path: string; entry: string }) => `${r.method} ${r.path} ${r.entry}`;
    for (const r of WEBHOOK_ROUTES) expect(HTTP_ROUTES.map(rowKey)).toContain(rowKey(r));
    for (const r of WEBHOOK_RULES) expect(EVENT_RULES).toContain(r);
  });

  it('grants table access (read for reads, readwrite for writes and delivery), and the secrets key only to seal or to sign', () => {
    const seals = ['POST /api/v1/operator/webhooks', 'POST /api/v1/operator/webhooks/{subscription_id}/rotate-secret'];
    const opens = ['POST /api/v1/operator/webhooks/{subscription_id}/deliveries/{delivery_id}/redeliver'];
    for (const r of WEBHOOK_ROUTES) {
      expect(r.auth).toBe('operator');
      expect(r.path).toMatch(/^\/api\/v1\/operator\/webhooks/);
      const key = `${r.method} ${r.path}`;
      const secrets = seals.includes(key) ? { webhookSecrets: 'seal' } : opens.includes(key) ? { webhookSecrets: 'open' } : {};
      expect(r.access).toEqual({ table: r.method === 'GET' ? 'read' : 'readwrite', ...secrets });
    }
    for (const r of WEBHOOK_RULES) expect(r.access).toEqual({ table: 'readwrite', webhookSecrets: 'open' });
  });
});
