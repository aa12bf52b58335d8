// SDK clients are created once per process (module scope) and shared. Endpoints come from the
// standard AWS_ENDPOINT_URL_<SERVICE> variables, which the local runtime sets and AWS leaves unset,
// so the same code talks to DynamoDB Local / s3rver / the local bus under `npm start`.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let dynamo: DynamoDBClient | undefined;
let doc: DynamoDBDocumentClient | undefined;

export function dynamoClient(): DynamoDBClient {
  dynamo ??= new DynamoDBClient({ maxAttempts: 3 });
  return dynamo;
}

/** Document client: plain JS values in and out; undefined attributes are dropped, not errors. */
export function documentClient(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return doc;
}
