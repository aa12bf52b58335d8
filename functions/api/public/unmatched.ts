import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { answerUnmatched } from '../../../lib/http/unmatched';

/** The HTTP API `$default` route (lib/routes.ts HTTP_FALLBACK_ROUTE). */
export const handler = async (event: APIGatewayProxyEventV2) => answerUnmatched(event);
