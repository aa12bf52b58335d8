import { API } from '../../../lib/api/contract';
import { applyEmailChange } from '../../../lib/domain/accounts';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/account/email/verify'], async ({ principal, body }) => ({ body: await applyEmailChange(principal, body), headers: { 'cache-control': 'no-store' } }));
