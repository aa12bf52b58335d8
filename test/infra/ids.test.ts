// Construct ids come from what identifies a row, so they stay put while the tables grow.
import { describe, expect, it } from 'vitest';
import { EVENT_RULES } from '../../lib/events/rules';
import { HTTP_ROUTES, WS_ROUTES } from '../../lib/routes';
import { constructId, httpRouteId, wsRouteId } from '../../infra/ids';

describe('construct ids', () => {
  it('derives readable ids from route keys and rule names', () => {
    expect(httpRouteId({ method: 'GET', path: '/api/v1/operator/charge-points/{charge_point_id}/logs' })).toBe('GetApiV1OperatorChargePointsByChargePointIdLogs');
    expect(wsRouteId({ routeKey: '$default' })).toBe('OnDefault');
    expect(constructId('send-email')).toBe('SendEmail');
  });

  it('refuses names that would become CDK reserved ids', () => {
    expect(() => constructId('default')).toThrow(/reserved/);
    expect(() => constructId('resource')).toThrow(/reserved/);
  });

  it('gives every row of every table its own id', () => {
    const ids = [...HTTP_ROUTES.map(httpRouteId), ...WS_ROUTES.map(wsRouteId), ...EVENT_RULES.map((r) => constructId(r.name))];
    expect(new Set(ids).size).toBe(ids.length);
  });
});
