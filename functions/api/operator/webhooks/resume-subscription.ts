import { API } from '../../../../lib/api/contract';
import { httpHandler } from '../../../../lib/http/handler';
import { subscriptionView } from '../../../../lib/webhooks/model';
import { resumeSubscription } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler(API['POST /api/v1/operator/webhooks/{subscription_id}/resume'], async ({ principal, params }) => ({
  body: subscriptionView(await resumeSubscription(principal.operatorId, params.subscription_id)),
}));
