import { API } from '../../../../lib/api/contract';
import { httpHandler } from '../../../../lib/http/handler';
import { subscriptionView } from '../../../../lib/webhooks/model';
import { ownedSubscription } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler(API['GET /api/v1/operator/webhooks/{subscription_id}'], async ({ principal, params }) => ({
  body: subscriptionView(await ownedSubscription(principal.operatorId, params.subscription_id)),
}));
