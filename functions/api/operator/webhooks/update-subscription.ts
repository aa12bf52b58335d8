import { API } from '../../../../lib/api/contract';
import { httpHandler } from '../../../../lib/http/handler';
import { subscriptionView } from '../../../../lib/webhooks/model';
import { updateSubscription } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler(API['PATCH /api/v1/operator/webhooks/{subscription_id}'], async ({ principal, params, body }) => ({
  body: subscriptionView(
    await updateSubscription(principal.operatorId, params.subscription_id, {
      ...(body.url !== undefined ? { url: body.url } : {}),
      ...(body.event_types !== undefined ? { eventTypes: body.event_types } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.paused !== undefined ? { paused: body.paused } : {}),
    }),
  ),
}));
