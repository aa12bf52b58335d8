import { API } from '../../../lib/api/contract';
import { signUp } from '../../../lib/domain/installers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/installer/signup'], async ({ body }) => ({ body: await signUp(body) }));
