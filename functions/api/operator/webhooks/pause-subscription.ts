import { API } from '../../../../lib/api/contract';
import { httpHandler } from '../../../../lib/http/handler';
import { subscriptionView } from '../../../../lib/webhooks/model';
import { pauseSubscription } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler(API['POST /api/v1/operator/webhooks/{subscription_id}/pause'], async ({ principal, params }) => ({
  body: subscriptionView(await pauseSubscription(principal.operatorId, params.subscription_id)),
}));
