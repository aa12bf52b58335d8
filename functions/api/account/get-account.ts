import { API } from '../../../lib/api/contract';
import { getOwnAccount } from '../../../lib/domain/accounts';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/account'], async ({ principal }) => ({ body: await getOwnAccount(principal), headers: { 'cache-control': 'no-store' } }));
