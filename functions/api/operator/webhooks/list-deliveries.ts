import { httpHandler } from '../../../../lib/http/handler';
import { listDeliveriesQuery, subscriptionParams } from '../../../../lib/webhooks/http';
import { deliveryView } from '../../../../lib/webhooks/model';
import { listSubscriptionDeliveries } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler({ auth: 'operator', params: subscriptionParams, query: listDeliveriesQuery }, async ({ principal, params, query }) => {
  const page = await listSubscriptionDeliveries(principal.operatorId, params.subscription_id, query);
  return { body: { deliveries: page.deliveries.map(deliveryView), next_cursor: page.nextCursor ?? null } };
});
