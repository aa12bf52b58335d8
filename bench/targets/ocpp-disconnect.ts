// Bench wrapper of functions/ocpp/disconnect.ts: the real handler, tagged and timed.
import type { Context } from 'aws-lambda';
import { loadHandler } from '../../local/lambda';
import { protocolOf, runInvocation } from '../lib/tagging';

const real = await loadHandler('functions/ocpp/disconnect.ts');

export const handler = async (event: { requestContext: { connectionId: string } }, context: Context): Promise<unknown> =>
  runInvocation({ fn: '$disconnect', type: `${protocolOf(event.requestContext.connectionId)} $disconnect` }, 0, () => real(event, context));
