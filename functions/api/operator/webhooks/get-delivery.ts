import { httpHandler } from '../../../../lib/http/handler';
import { deliveryParams } from '../../../../lib/webhooks/http';
import { deliveryView } from '../../../../lib/webhooks/model';
import { showDelivery } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler({ auth: 'operator', params: deliveryParams }, async ({ principal, params }) => ({
  body: deliveryView(await showDelivery(principal.operatorId, params.subscription_id, params.delivery_id)),
}));
