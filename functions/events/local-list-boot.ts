// Target of charge_point.booted: an Accepted charger whose local list is behind gets it (domain/local-list.ts syncAfterBoot).
import type { EventBridgeEvent } from 'aws-lambda';
import type { DomainEvent } from '../../lib/events/catalogue';
import { syncAfterBoot } from '../../lib/domain/local-list';

export const handler = async (event: EventBridgeEvent<'charge_point.booted', DomainEvent<'charge_point.booted'>>): Promise<void> => {
  if (event.detail.data.boot_status !== 'Accepted') return;
  await syncAfterBoot(event.detail.data.charge_point_id);
};
