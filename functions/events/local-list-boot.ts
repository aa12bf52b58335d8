// Target of local_list.sync_requested (published by an Accepted boot of a charger a sync could not
// reach): its local list follows the location's cards now (domain/local-list.ts).
import type { EventBridgeEvent } from 'aws-lambda';
import type { DomainEvent } from '../../lib/events/catalogue';
import { syncChargePointList } from '../../lib/domain/local-list';

export const handler = async (event: EventBridgeEvent<'local_list.sync_requested', DomainEvent<'local_list.sync_requested'>>): Promise<void> => {
  await syncChargePointList(event.detail.data.charge_point_id);
};
