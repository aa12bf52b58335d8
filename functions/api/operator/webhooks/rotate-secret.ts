import { httpHandler } from '../../../../lib/http/handler';
import { subscriptionParams } from '../../../../lib/webhooks/http';
import { subscriptionView } from '../../../../lib/webhooks/model';
import { rotateSecret } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler({ auth: 'operator', params: subscriptionParams }, async ({ principal, params }) => {
  const { subscription, secret } = await rotateSecret(principal.operatorId, params.subscription_id);
  return { body: { ...subscriptionView(subscription), secret } };
});
