// Bench wrapper of functions/ocpp/message.ts ($default): the real handler, tagged with the message
// type (version + action, TransactionEvent by eventType) and timed; frame bytes in and out counted.
import type { Context } from 'aws-lambda';
import { loadHandler } from '../../local/lambda';
import { labelOfCall, typeKey } from '../lib/frames';
import { protocolOf, runInvocation } from '../lib/tagging';

const real = await loadHandler('functions/ocpp/message.ts');

interface MessageEvent {
  body?: string | null;
  requestContext: { connectionId: string };
}

/** `Heartbeat`, `TransactionEvent(Started)`, `CALLRESULT`, `CALLERROR` or `invalid`. */
function labelOf(body: string): string {
  try {
    const frame: unknown = JSON.parse(body);
    if (!Array.isArray(frame)) return 'invalid';
    if (frame[0] === 2 && typeof frame[2] === 'string') return labelOfCall(frame[2], frame[3]);
    if (frame[0] === 3) return 'CALLRESULT';
    if (frame[0] === 4) return 'CALLERROR';
  } catch {
    // not JSON
  }
  return 'invalid';
}

export const handler = async (event: MessageEvent, context: Context): Promise<unknown> => {
  const body = event.body ?? '';
  const type = typeKey(protocolOf(event.requestContext.connectionId), labelOf(body));
  return runInvocation(
    { fn: '$default', type },
    Buffer.byteLength(body),
    () => real(event, context) as Promise<{ body?: string } | undefined>,
    (r) => (typeof r?.body === 'string' ? Buffer.byteLength(r.body) : 0),
  );
};
