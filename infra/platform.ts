// What a function stack can hand to its functions: the shared resources (imported by export name,
// see stack-exports.ts) and the public addresses. Built once per stack by the stacks themselves.
import type { Stack } from 'aws-cdk-lib';
import { type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { TABLE_DEFINITION } from '../lib/db/table';
import { SECRET_NAMES, type SecretName } from '../lib/routes';
import type { DeployConfig } from './config';
import { type DataStack, SECRET_EXPORTS } from './stacks/data-stack';
import { EdgeStack } from './stacks/edge-stack';

export interface Platform {
  readonly config: DeployConfig;
  /** The single table, with its GSIs known so grants cover them. */
  readonly table: ITable;
  readonly certificateBucket: IBucket;
  readonly eventBus: IEventBus;
  readonly secrets: Readonly<Record<SecretName, ISecret>>;
  /** The OCPP WebSocket API, for `@connections` grants and WS_MANAGEMENT_ENDPOINT. */
  readonly webSocket: { readonly apiId: string; readonly stageName: string };
  /** Every alarm notifies this topic. */
  readonly alarmTopic: ITopic;
  /** Envelope-encrypts webhook signing secrets (lib/webhooks/secret-box.ts). */
  readonly webhookSecretsKey: IKey;
  /** `wss://…/ocpp` (OCPP_PUBLIC_ENDPOINT). */
  readonly ocppPublicEndpoint: string;
  /** `https://…` of the HTTP API (PUBLIC_BASE_URL). */
  readonly publicBaseUrl: string;
}

/** The platform as seen from a function stack: everything imported by export name. */
export function importPlatform(
  stack: Stack,
  deps: { readonly config: DeployConfig; readonly data: DataStack; readonly edge: EdgeStack; readonly eventBus: IEventBus },
): Platform {
  const { config, data, edge, eventBus } = deps;
  let webhookKey: IKey | undefined;
  // Imported on first use: each import adds a deploy-time parameter, and CloudFormation flags a
  // parameter that nothing in the stack references.
  const secrets = {} as Record<SecretName, ISecret>;
  for (const name of SECRET_NAMES) {
    let imported: ISecret | undefined;
    Object.defineProperty(secrets, name, {
      enumerable: true,
      get: () => (imported ??= Secret.fromSecretCompleteArn(stack, `${SECRET_EXPORTS[name]}Import`, data.exports.useParameter(stack, SECRET_EXPORTS[name]))),
    });
  }
  return {
    config,
    table: Table.fromTableAttributes(stack, 'Table', {
      tableName: data.exports.use(stack, 'TableName'),
      globalIndexes: TABLE_DEFINITION.globalSecondaryIndexes.map((gsi) => gsi.indexName),
    }),
    certificateBucket: Bucket.fromBucketAttributes(stack, 'CertificateBucket', { bucketName: data.exports.use(stack, 'CertificateBucketName') }),
    eventBus,
    secrets,
    webSocket: { apiId: edge.exports.use(stack, 'WebSocketApiId'), stageName: EdgeStack.WEBSOCKET_STAGE },
    alarmTopic: Topic.fromTopicArn(stack, 'AlarmTopic', data.exports.use(stack, 'AlarmTopicArn')),
    get webhookSecretsKey() {
      // On first use only: an unused import would leave an export reference nothing needs.
      return (webhookKey ??= Key.fromKeyArn(stack, 'WebhookSecretsKey', data.exports.use(stack, 'WebhookSecretsKeyArn')));
    },
    ocppPublicEndpoint: edge.exports.useParameter(stack, 'OcppPublicEndpoint'),
    publicBaseUrl: edge.exports.useParameter(stack, 'PublicBaseUrl'),
  };
}
