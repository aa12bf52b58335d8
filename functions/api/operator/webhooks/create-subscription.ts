import { httpHandler } from '../../../../lib/http/handler';
import { createSubscriptionBody, subscriptionLocation } from '../../../../lib/webhooks/http';
import { subscriptionView } from '../../../../lib/webhooks/model';
import { createSubscription } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler({ auth: 'operator', body: createSubscriptionBody }, async ({ principal, body }) => {
  const { subscription, secret } = await createSubscription(principal.operatorId, {
    url: body.url,
    eventTypes: body.event_types,
    ...(body.description ? { description: body.description } : {}),
  });
  return { status: 201, headers: { location: subscriptionLocation(subscription.subscriptionId) }, body: { ...subscriptionView(subscription), secret } };
});
