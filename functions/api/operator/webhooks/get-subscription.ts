import { httpHandler } from '../../../../lib/http/handler';
import { subscriptionParams } from '../../../../lib/webhooks/http';
import { subscriptionView } from '../../../../lib/webhooks/model';
import { ownedSubscription } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler({ auth: 'operator', params: subscriptionParams }, async ({ principal, params }) => ({
  body: subscriptionView(await ownedSubscription(principal.operatorId, params.subscription_id)),
}));
