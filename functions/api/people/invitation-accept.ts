import { API } from '../../../lib/api/contract';
import { acceptInvitation } from '../../../lib/domain/invitations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/invitations/{token}/accept'], async ({ principal, params }) => ({
  body: await acceptInvitation(principal, params.token),
}));
