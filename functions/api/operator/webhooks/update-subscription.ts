import { httpHandler } from '../../../../lib/http/handler';
import { subscriptionParams, updateSubscriptionBody } from '../../../../lib/webhooks/http';
import { subscriptionView } from '../../../../lib/webhooks/model';
import { updateSubscription } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler({ auth: 'operator', params: subscriptionParams, body: updateSubscriptionBody }, async ({ principal, params, body }) => ({
  body: subscriptionView(
    await updateSubscription(principal.operatorId, params.subscription_id, {
      ...(body.url !== undefined ? { url: body.url } : {}),
      ...(body.event_types !== undefined ? { eventTypes: body.event_types } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.paused !== undefined ? { paused: body.paused } : {}),
    }),
  ),
}));
