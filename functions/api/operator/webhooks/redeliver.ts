import { API } from '../../../../lib/api/contract';
import { httpHandler } from '../../../../lib/http/handler';
import { deliveryView } from '../../../../lib/webhooks/model';
import { redeliver } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler(API['POST /api/v1/operator/webhooks/{subscription_id}/deliveries/{delivery_id}/redeliver'], async ({ principal, params }) => ({
  body: deliveryView(await redeliver(principal.operatorId, params.subscription_id, params.delivery_id)),
}));
