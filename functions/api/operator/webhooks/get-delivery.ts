import { API } from '../../../../lib/api/contract';
import { httpHandler } from '../../../../lib/http/handler';
import { deliveryView } from '../../../../lib/webhooks/model';
import { showDelivery } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler(API['GET /api/v1/operator/webhooks/{subscription_id}/deliveries/{delivery_id}'], async ({ principal, params }) => ({
  body: deliveryView(await showDelivery(principal.operatorId, params.subscription_id, params.delivery_id)),
}));
