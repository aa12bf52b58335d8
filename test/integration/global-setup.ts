// Starts one in-memory DynamoDB Local for the whole test run on a free port: parallel runs on the
// same machine cannot collide, and every test file makes its own table on it.
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const ddb = await startDynamoDbLocal({});
  project.provide('dynamodbEndpoint', ddb.endpoint);
  return async () => ddb.stop();
}
