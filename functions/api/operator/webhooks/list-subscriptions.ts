import { API } from '../../../../lib/api/contract';
import { httpHandler } from '../../../../lib/http/handler';
import { subscriptionView } from '../../../../lib/webhooks/model';
import { listOperatorSubscriptions } from '../../../../lib/webhooks/subscriptions';

export const handler = httpHandler(API['GET /api/v1/operator/webhooks'], async ({ principal }) => ({
  body: { subscriptions: (await listOperatorSubscriptions(principal.operatorId)).map((s) => subscriptionView(s)) },
}));
