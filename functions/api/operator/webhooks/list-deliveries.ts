import { API } from '../../../../lib/api/contract';
import { httpHandler } from '../../../../lib/http/handler';
import { deliveryView } from '../../../../lib/webhooks/model';
import { listSubscriptionDeliveries } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler(API['GET /api/v1/operator/webhooks/{subscription_id}/deliveries'], async ({ principal, params, query }) => {
  const page = await listSubscriptionDeliveries(principal.operatorId, params.subscription_id, query);
  return { body: { deliveries: page.deliveries.map(deliveryView), next_cursor: page.nextCursor ?? null } };
});
