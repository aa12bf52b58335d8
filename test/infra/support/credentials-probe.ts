// Bundled by test/infra/bundles.test.ts with the Lambda options (infra/bundling.ts) and run in a
// clean folder: the shared DynamoDB client resolves its credentials as a deployed function would.
import { dynamoClient } from '../../../lib/aws/clients';

export async function handler(): Promise<{ accessKeyId: string; sessionToken?: string }> {
  const { accessKeyId, sessionToken } = await dynamoClient().config.credentials();
  return { accessKeyId, sessionToken };
}
