// Delivery ids and due-index shards: derived from the event (so a retried fan-out finds the same
// item), sorted by event time, and spread evenly so one receiver's backlog is not one hot key.
import { describe, expect, it } from 'vitest';
import { deliveryIdFor, DUE_SHARDS, dueShard } from '../../../lib/webhooks/delivery';
import { subscribesTo } from '../../../lib/webhooks/event-types';

describe('webhook delivery keys', () => {
  it('derives the delivery id from the event time and id', () => {
    const e = { id: '3f0b3c1e-8d0a-4c55-9b1a-0d8e3f0c2a11', time: '2025-03-01T10:00:00.123Z' };
    expect(deliveryIdFor(e)).toBe(`dlv_${Date.parse(e.time)}_${e.id}`);
    expect(deliveryIdFor(e)).toBe(deliveryIdFor({ ...e }));
  });

  it('sorts delivery ids by event time', () => {
    const ids = ['2001-09-09T01:46:39.999Z', '2001-09-09T01:46:40.000Z', '2025-01-01T00:00:00.000Z'].map((time) => deliveryIdFor({ id: 'x', time }));
    expect([...ids].sort()).toEqual(ids);
  });

  it('spreads one subscription over every due shard', () => {
    const counts = new Array<number>(DUE_SHARDS).fill(0);
    for (let i = 0; i < 1600; i++) counts[dueShard('whs_one', `dlv_${i}`)]! += 1;
    expect(counts.every((c) => c > 50 && c < 150)).toBe(true);
  });

  it('matches subscriptions to event types, with * for all and never an internal event', () => {
    expect(subscribesTo(['*'], 'project.handed_over')).toBe(true);
    expect(subscribesTo(['charge_point.connected'], 'charge_point.connected')).toBe(true);
    expect(subscribesTo(['charge_point.connected'], 'charge_point.disconnected')).toBe(false);
    expect(subscribesTo(['*'], 'email.requested')).toBe(false);
  });
});
