// $default with the route response enabled: the returned body is the answer sent to the charge point.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { config } from '../../lib/config';
import { handleFrame } from '../../lib/ocpp/pipeline';

config();

interface MessageEvent {
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext: { connectionId: string };
}

export const handler = async (event: MessageEvent): Promise<APIGatewayProxyResult> => {
  const body = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : (event.body ?? '');
  const reply = await handleFrame({ connectionId: event.requestContext.connectionId, body, receivedAt: new Date().toISOString() });
  return reply === undefined ? { statusCode: 200, body: '' } : { statusCode: 200, body: reply };
};
