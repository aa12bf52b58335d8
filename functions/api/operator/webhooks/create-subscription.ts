import { API } from '../../../../lib/api/contract';
import { httpHandler } from '../../../../lib/http/handler';
import { subscriptionLocation } from '../../../../lib/webhooks/http';
import { subscriptionView } from '../../../../lib/webhooks/model';
import { createSubscription } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler(API['POST /api/v1/operator/webhooks'], async ({ principal, body }) => {
  const { subscription, secret } = await createSubscription(principal.operatorId, {
    url: body.url,
    eventTypes: body.event_types,
    ...(body.description ? { description: body.description } : {}),
  });
  return { headers: { location: subscriptionLocation(subscription.subscriptionId) }, body: { ...subscriptionView(subscription), secret } };
});
