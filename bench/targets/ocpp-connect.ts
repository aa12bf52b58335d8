// Bench wrapper of functions/ocpp/connect.ts: the real handler, tagged and timed (bench/lib/tagging.ts).
import type { Context } from 'aws-lambda';
import { loadHandler } from '../../local/lambda';
import { rememberProtocol, runInvocation } from '../lib/tagging';

const real = await loadHandler('functions/ocpp/connect.ts');

interface ConnectEvent {
  headers?: Record<string, string | undefined>;
  requestContext: { connectionId: string };
}

function header(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
}

export const handler = async (event: ConnectEvent, context: Context): Promise<unknown> => {
  const offered = header(event.headers, 'sec-websocket-protocol')?.split(',')[0]?.trim() ?? 'unknown';
  return runInvocation({ fn: '$connect', type: `${offered} $connect` }, 0, async () => {
    const result = (await real(event, context)) as { statusCode?: number; headers?: Record<string, string> } | undefined;
    const negotiated = header(result?.headers, 'sec-websocket-protocol');
    if (negotiated) rememberProtocol(event.requestContext.connectionId, negotiated);
    return result;
  });
};
