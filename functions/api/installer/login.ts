import { API } from '../../../lib/api/contract';
import { logIn } from '../../../lib/domain/installers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/installer/login'], async ({ body }) => ({ body: await logIn(body), headers: { 'cache-control': 'no-store' } }));
