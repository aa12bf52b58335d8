// Operators (CPOs) and their API keys.
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import { ENTITY, keys } from './keys';

export interface Operator {
  readonly operatorId: string;
  readonly name: string;
  readonly contactEmail: string;
  readonly createdAt: string;
}

export interface ApiKeyRecord {
  readonly keyId: string;
  readonly operatorId: string;
  /** sha256 of the secret part, hex. The secret has 256 bits of entropy, so a fast hash is enough. */
  readonly secretHash: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
  /** `full`, `read_only` and/or operator actions (lib/domain/access.ts apiKeyActions). Absent on keys made before scopes: full. */
  readonly scopes?: readonly string[];
}

export async function putOperatorWithKey(operator: Operator, apiKey: ApiKeyRecord): Promise<void> {
  await documentClient().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: config().tableName,
            Item: { ...keys.operator(operator.operatorId), type: ENTITY.operator, ...operator },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: config().tableName,
            Item: { ...keys.apiKey(apiKey.keyId), type: ENTITY.apiKey, ...apiKey },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    }),
  );
}

export async function putApiKey(apiKey: ApiKeyRecord): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: config().tableName,
      Item: { ...keys.apiKey(apiKey.keyId), type: ENTITY.apiKey, ...apiKey },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.apiKey(keyId) }));
  return out.Item as ApiKeyRecord | undefined;
}

export async function getOperator(operatorId: string): Promise<Operator | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.operator(operatorId) }));
  return out.Item as Operator | undefined;
}
