import { httpHandler } from '../../../../lib/http/handler';
import { subscriptionParams } from '../../../../lib/webhooks/http';
import { removeSubscription } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler({ auth: 'operator', params: subscriptionParams }, async ({ principal, params }) => {
  await removeSubscription(principal.operatorId, params.subscription_id);
  return { status: 204 };
});
