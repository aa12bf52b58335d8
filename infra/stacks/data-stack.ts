// Everything that holds state: the single table, the certificate bucket and its access-log bucket,
// the named secrets and the alarm topic (its confirmed subscriptions are state too). Retained on
// `cdk destroy`; nothing here depends on another stack.
import { Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { TABLE_DEFINITION } from '../../lib/db/table';
import type { SecretName } from '../../lib/routes';
import type { DeployConfig } from '../config';
import { acknowledge } from '../nag';
import { StackExports } from '../stack-exports';

export interface DataStackProps extends StackProps {
  readonly config: DeployConfig;
}

export type DataExport = 'TableName' | 'CertificateBucketName' | 'AccessLogsBucketName' | 'AlarmTopicArn' | 'WebhookSecretsKeyArn';
/**
 * Secret ARNs travel as SSM parameters (stack-exports.ts): `-c certificateSigningSecretArn=…` added
 * to a running deployment swaps the generated secret for the operator's, and an export in use could
 * not change.
 */
export type DataParameter = 'JwtSigningSecretArn' | 'CertificateSigningSecretArn';

/** Parameter key of each named secret's ARN. */
export const SECRET_EXPORTS: { readonly [K in SecretName]: DataParameter } = {
  'jwt-signing': 'JwtSigningSecretArn',
  'certificate-signing': 'CertificateSigningSecretArn',
};

const SECRET_ROTATION_REASON: { readonly [K in SecretName]: string } = {
  'jwt-signing':
    'Rotating the JWT signing key invalidates every issued installer link at once; rotation needs a two-key overlap that lib/auth does not implement yet, so it is a manual, announced operation',
  'certificate-signing':
    'Holds an operator-supplied PKCS#12 (docs/deploy.md); it is replaced when the certificate is renewed, which Secrets Manager rotation cannot do',
};

export class DataStack extends Stack {
  readonly table: Table;
  readonly certificateBucket: Bucket;
  readonly accessLogsBucket: Bucket;
  readonly secrets: Readonly<Record<SecretName, ISecret>>;
  readonly alarmTopic: Topic;
  readonly webhookSecretsKey: Key;
  readonly exports = new StackExports<DataExport, DataParameter>(this);

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;

    // The table from lib/db/table.ts, the same definition the local runtime creates in DynamoDB Local.
    const key = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      partitionKey: key(TABLE_DEFINITION.partitionKey),
      sortKey: key(TABLE_DEFINITION.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_DEFINITION.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of TABLE_DEFINITION.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: key(gsi.partitionKey),
        sortKey: key(gsi.sortKey),
        projectionType: ProjectionType.ALL,
      });
    }

    // S3 server access logs and CloudFront standard logs. CloudFront writes its logs through ACLs,
    // hence BucketOwnerPreferred; nobody outside the account gets access.
    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.accessLogsBucket, 'S1', 'This is the access-log bucket; logging its own access would log the logs');

    this.certificateBucket = new Bucket(this, 'CertificateBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 's3/certificates/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.secrets = {
      'jwt-signing': new Secret(this, 'JwtSigningSecret', {
        description: 'HS256 key for installer job-link tokens (lib/auth/tokens.ts)',
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      }),
      'certificate-signing': config.certificateSigningSecretArn
        ? Secret.fromSecretCompleteArn(this, 'CertificateSigningSecret', config.certificateSigningSecretArn)
        : this.emptyCertificateSigningSecret(),
    };
    for (const [name, secret] of Object.entries(this.secrets) as Array<[SecretName, ISecret]>) {
      if (secret instanceof Secret) acknowledge(secret, 'SMG4', SECRET_ROTATION_REASON[name]);
    }

    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: `${this.stackName} alarms`, enforceSSL: true });
    // A topic policy replaces SNS's default one, so with only enforceSSL's deny statement nobody may
    // publish: CloudWatch alarms of this account must be allowed explicitly, or they notify no one.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*` },
        },
      }),
    );
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
    acknowledge(
      this.alarmTopic,
      'SNS2',
      'Alarm notifications carry alarm names and states only; CloudWatch cannot publish to a topic under the AWS-managed SNS key, and a customer key ($1/month) buys nothing here',
    );

    // Wraps the data keys that seal webhook signing secrets (lib/webhooks/secret-box.ts). Rotated
    // yearly by KMS (old key material stays to decrypt); retained, or every stored secret is lost.
    this.webhookSecretsKey = new Key(this, 'WebhookSecretsKey', {
      description: 'Envelope encryption of webhook signing secrets (data keys for AES-256-GCM)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.exports.publish('TableName', this.table.tableName, 'The single table');
    this.exports.publish('WebhookSecretsKeyArn', this.webhookSecretsKey.keyArn, 'KMS key sealing webhook signing secrets');
    this.exports.publish('CertificateBucketName', this.certificateBucket.bucketName, 'Handover certificates (PDF)');
    this.exports.publish('AccessLogsBucketName', this.accessLogsBucket.bucketName, 'S3 and CloudFront access logs');
    this.exports.publish('AlarmTopicArn', this.alarmTopic.topicArn, 'Every alarm notifies this topic');
    for (const [name, secret] of Object.entries(this.secrets) as Array<[SecretName, ISecret]>) {
      this.exports.publishParameter(SECRET_EXPORTS[name], secret.secretArn, `Secret ${name}`);
    }
  }

  /** A placeholder the operator fills with `{ "p12Base64", "passphrase" }` (docs/deploy.md). */
  private emptyCertificateSigningSecret(): Secret {
    return new Secret(this, 'CertificateSigningSecret', {
      description: 'PKCS#12 that signs handover certificates: JSON { "p12Base64": "...", "passphrase": "..." } (docs/deploy.md)',
      secretObjectValue: { p12Base64: SecretValue.unsafePlainText(''), passphrase: SecretValue.unsafePlainText('') },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
