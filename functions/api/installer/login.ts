import { API } from '../../../lib/api/contract';
import { logIn } from '../../../lib/domain/installers';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/installer/login'], async ({ body, event }) => ({ body: await logIn(body, clientIp(event)), headers: { 'cache-control': 'no-store' } }));
