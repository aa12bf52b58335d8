// SDK clients are created once per process (module scope) and shared. Endpoints come from the
// standard AWS_ENDPOINT_URL_<SERVICE> variables, which the local runtime sets and AWS leaves unset,
// so the same code talks to DynamoDB Local / s3rver / the local bus under `npm start`.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let dynamo: DynamoDBClient | undefined;
let doc: DynamoDBDocumentClient | undefined;

export function dynamoClient(): DynamoDBClient {
  if (!dynamo) {
    dynamo = new DynamoDBClient({ maxAttempts: 3 });
    // The SDK's logger middleware builds a redacted copy of every request's input and output for its
    // logger even when that logger is the default no-op (it calls `logger.info(...)` unconditionally,
    // walking both through the operation's schema). We never give the SDK a logger (our own log
    // says what happened, without item contents), so that copy was pure CPU on every DynamoDB call:
    // about 3 % of the local runtime's CPU during a PowerBank fan-out (a --cpu-prof of the bench).
    dynamo.middlewareStack.remove(SDK_LOGGER_MIDDLEWARE);
  }
  return dynamo;
}

/** The name under which the SDK adds its logger middleware (@aws-sdk/core getLoggerPlugin). */
export const SDK_LOGGER_MIDDLEWARE = 'loggerMiddleware';

/** Document client: plain JS values in and out; undefined attributes are dropped, not errors. */
export function documentClient(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return doc;
}
