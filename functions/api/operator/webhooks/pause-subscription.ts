import { httpHandler } from '../../../../lib/http/handler';
import { subscriptionParams } from '../../../../lib/webhooks/http';
import { subscriptionView } from '../../../../lib/webhooks/model';
import { pauseSubscription } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler({ auth: 'operator', params: subscriptionParams }, async ({ principal, params }) => ({
  body: subscriptionView(await pauseSubscription(principal.operatorId, params.subscription_id)),
}));
