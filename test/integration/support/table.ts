import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../lib/aws/clients';
import { config } from '../../../lib/config';

/** Every item of the test table (migration tests compare what is stored before and after). */
export async function scanAll(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(new ScanCommand({ TableName: config().tableName, ExclusiveStartKey }));
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
