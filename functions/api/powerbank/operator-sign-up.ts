import { API } from '../../../lib/api/contract';
import { operatorSignUp } from '../../../lib/domain/powerbank/use-cases';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/powerbank/sign-up'], async ({ principal, body }) => ({ body: await operatorSignUp(principal, body) }));
