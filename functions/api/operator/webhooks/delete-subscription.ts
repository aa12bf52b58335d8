import { API } from '../../../../lib/api/contract';
import { httpHandler } from '../../../../lib/http/handler';
import { removeSubscription } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler(API['DELETE /api/v1/operator/webhooks/{subscription_id}'], async ({ principal, params }) => {
  await removeSubscription(principal.operatorId, params.subscription_id);
  return {};
});
