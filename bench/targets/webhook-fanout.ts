// Bench wrapper of functions/events/webhook-fanout.ts: the real handler, tagged with the event's
// detail-type (each OCPP message that publishes an event costs one of these invocations).
import type { Context } from 'aws-lambda';
import { loadHandler } from '../../local/lambda';
import { runInvocation } from '../lib/tagging';

const real = await loadHandler('functions/events/webhook-fanout.ts');

export const handler = async (event: { 'detail-type'?: string }, context: Context): Promise<unknown> =>
  runInvocation({ fn: 'webhook-fanout', type: event['detail-type'] ?? '?' }, 0, () => real(event, context));
