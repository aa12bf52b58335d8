import { API } from '../../../../lib/api/contract';
import { httpHandler } from '../../../../lib/http/handler';
import { subscriptionView } from '../../../../lib/webhooks/model';
import { rotateSecret } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler(API['POST /api/v1/operator/webhooks/{subscription_id}/rotate-secret'], async ({ principal, params }) => {
  const { subscription, secret } = await rotateSecret(principal.operatorId, params.subscription_id);
  return { body: { ...subscriptionView(subscription), secret } };
});
