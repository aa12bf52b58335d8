import { API } from '../../../lib/api/contract';
import { requestEmailChange } from '../../../lib/domain/accounts';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PUT /api/v1/account/email'], async ({ principal, body, event }) => ({ body: await requestEmailChange(principal, body, clientIp(event)) }));
