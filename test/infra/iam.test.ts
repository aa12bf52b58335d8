// Least privilege, read from the synthesized policies: each function may do what its row's
// `access` says (plus writing its own logs, and for event targets its dead-letter queue), on the
// resources that access names, and nothing more.
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_RULES } from '../../lib/events/rules';
import { type Access, HTTP_FALLBACK_ROUTE, HTTP_ROUTES, type SecretName, WS_ROUTES } from '../../lib/routes';
import type { AppFunction } from '../../infra/constructs/app-function';
import { FULL_CONTEXT, logicalId, resources, type SynthOptions, synthesize, TEST_ENV } from './support/synth';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

const DYNAMODB_READ = ['BatchGetItem', 'ConditionCheckItem', 'DescribeTable', 'GetItem', 'GetRecords', 'GetShardIterator', 'Query', 'Scan'].map((a) => `dynamodb:${a}`);
const DYNAMODB_WRITE = ['BatchWriteItem', 'DeleteItem', 'PutItem', 'UpdateItem'].map((a) => `dynamodb:${a}`);
const S3_READ = ['s3:GetObject*', 's3:GetBucket*', 's3:List*'];
const S3_WRITE = ['s3:DeleteObject*', 's3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention', 's3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:Abort*'];
/** Secret ARNs arrive as deploy-time SSM parameters (infra/stack-exports.ts): `{ Ref: SsmParameterValue<name>… }`. */
const SECRET_PARAMETER: Record<SecretName, RegExp> = {
  'jwt-signing': /^\{"Ref":"SsmParameterValueCommissioningDataJwtSigningSecretArn[0-9A-F]+Parameter"\}$/,
  'certificate-signing': /^\{"Ref":"SsmParameterValueCommissioningDataCertificateSigningSecretArn[0-9A-F]+Parameter"\}$/,
};

/** Every action `access` allows, with a predicate the statement's resources must satisfy. */
function allowance(access: Access, localEventBus: string | undefined): Map<string, (resource: string) => boolean> {
  const allowed = new Map<string, (resource: string) => boolean>();
  const allow = (actions: string[], resourceOk: (resource: string) => boolean) => actions.forEach((a) => allowed.set(a, resourceOk));
  const table = (r: string) => r.includes('"Commissioning-Data-TableName"') && /:table\/",\{[^}]+\}(,"\/index\/\*")?\]/.test(r);
  const bucket = (r: string) => r.includes('"Commissioning-Data-CertificateBucketName"');
  if (access.table) allow(access.table === 'read' ? DYNAMODB_READ : [...DYNAMODB_READ, ...DYNAMODB_WRITE], table);
  if (access.certificates) allow(access.certificates === 'read' ? S3_READ : [...S3_READ, ...S3_WRITE], bucket);
  // The bus is imported by name, except in the Events stack that owns it.
  if (access.events) allow(['events:PutEvents'], (r) => r.includes('"Commissioning-Events-EventBusName"') || r === localEventBus);
  if (access.connections) {
    allow(['execute-api:ManageConnections'], (r) => r.includes('"Commissioning-Edge-WebSocketApiId"') && /"\/prod\/(POST|DELETE)\/@connections\/\*"/.test(r));
  }
  if (access.email) allow(['ses:SendEmail', 'ses:SendRawEmail'], (r) => /:ses:/.test(r) && /:identity\//.test(r));
  if (access.webhookSecrets) {
    allow([access.webhookSecrets === 'seal' ? 'kms:GenerateDataKey' : 'kms:Decrypt'], (r) => r === JSON.stringify({ 'Fn::ImportValue': 'Commissioning-Data-WebhookSecretsKeyArn' }));
  }
  if (access.secrets?.length) {
    const names = access.secrets.map((s) => SECRET_PARAMETER[s]);
    allow(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], (r) => names.some((n) => n.test(r)));
  }
  return allowed;
}

/** Actions a row's access must at least produce (so an empty policy does not pass as "narrow"). */
function required(access: Access): string[] {
  return [
    ...(access.table ? ['dynamodb:GetItem', 'dynamodb:Query', ...(access.table === 'readwrite' ? ['dynamodb:PutItem', 'dynamodb:UpdateItem'] : [])] : []),
    ...(access.certificates ? ['s3:GetObject*', ...(access.certificates === 'readwrite' ? ['s3:PutObject'] : [])] : []),
    ...(access.events ? ['events:PutEvents'] : []),
    ...(access.connections ? ['execute-api:ManageConnections'] : []),
    ...(access.email ? ['ses:SendEmail'] : []),
    ...(access.secrets?.length ? ['secretsmanager:GetSecretValue'] : []),
    ...(access.webhookSecrets ? [access.webhookSecrets === 'seal' ? 'kms:GenerateDataKey' : 'kms:Decrypt'] : []),
  ];
}

type Row = { name: string; access: Access; fn: () => AppFunction | undefined; deadLetters: boolean };

function rowsOf(synth: ReturnType<typeof synthesize>): Row[] {
  const { api, ocpp, events } = synth.application;
  return [
    ...HTTP_ROUTES.map((r) => ({ name: `${r.method} ${r.path}`, access: r.access, fn: () => api.routes.get(`${r.method} ${r.path}`)?.function, deadLetters: false })),
    { name: `HTTP ${HTTP_FALLBACK_ROUTE.routeKey}`, access: HTTP_FALLBACK_ROUTE.access, fn: () => api.routes.get(HTTP_FALLBACK_ROUTE.routeKey)?.function, deadLetters: false },
    ...WS_ROUTES.map((r) => ({ name: r.routeKey, access: r.access, fn: () => ocpp.routes.get(r.routeKey)?.function, deadLetters: false })),
    ...WS_ROUTES.flatMap((r) => (r.authorizer ? [{ name: `${r.routeKey} authorizer`, access: r.authorizer.access, fn: () => ocpp.routes.get(r.routeKey)?.authorizer, deadLetters: false }] : [])),
    ...EVENT_RULES.map((r) => ({ name: `rule ${r.name}`, access: r.access, fn: () => events.rules.get(r.name)?.function, deadLetters: true })),
  ];
}

function statementsOf(synth: ReturnType<typeof synthesize>, fn: AppFunction): Statement[] {
  const stack = fn.function.stack;
  const template = synth.template(stack);
  const roleId = logicalId(stack, fn.role);
  const role = resources(template, 'AWS::IAM::Role')[roleId]!;
  expect(role.Properties!.ManagedPolicyArns, 'no managed policies').toBeUndefined();
  expect(role.Properties!.Policies, 'no inline policies').toBeUndefined();
  return Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties!.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
}

function checkRow(synth: ReturnType<typeof synthesize>, row: Row): void {
  const fn = row.fn();
  expect(fn, 'function for the row').toBeDefined();
  const stack = fn!.function.stack;
  const { events } = synth.application;
  const localEventBus = stack === events ? JSON.stringify({ 'Fn::GetAtt': [logicalId(events, events.eventBus), 'Arn'] }) : undefined;
  const allowed = allowance(row.access, localEventBus);
  const ownLogs = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack, fn!.logGroup), 'Arn'] });
  const granted = new Set<string>();
  for (const statement of statementsOf(synth, fn!)) {
    expect(statement.Effect).toBe('Allow');
    const actions = [statement.Action].flat();
    // Only the KMS grants carry a condition, and it narrows them to the sealed secrets' encryption contexts.
    if (actions.every((a) => a.startsWith('kms:'))) {
      expect(statement.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:purpose': ['webhook-signing-secret', 'charger-provisioning-password', 'invitation-token'] } });
    }
    else expect(statement.Condition).toBeUndefined();
    const resourceList = [statement.Resource].flat().map((r) => JSON.stringify(r));
    for (const action of actions) {
      granted.add(action);
      let resourceOk: ((resource: string) => boolean) | undefined = allowed.get(action);
      if (action === 'logs:CreateLogStream' || action === 'logs:PutLogEvents') resourceOk = (r) => r === ownLogs;
      if (action === 'sqs:SendMessage' && row.deadLetters) {
        const deployed = [...synth.application.events.rules.values()].find((d) => d.function === fn)!;
        resourceOk = (r) => r === JSON.stringify({ 'Fn::GetAtt': [logicalId(stack, deployed.deadLetterQueue), 'Arn'] });
      }
      expect(resourceOk, `${action} is not implied by ${JSON.stringify(row.access)}`).toBeDefined();
      for (const resource of resourceList) expect(resourceOk!(resource), `${action} on ${resource}`).toBe(true);
    }
  }
  for (const action of required(row.access)) expect(granted, `missing ${action}`).toContain(action);
  expect(granted).toContain('logs:PutLogEvents');
}

describe('IAM: each function gets what its row says, no more', () => {
  const variants: Array<{ name: string; options: SynthOptions }> = [
    { name: 'environment-agnostic, no context', options: {} },
    { name: 'account and region known, every context option set', options: { env: TEST_ENV, context: FULL_CONTEXT } },
  ];

  describe.each(variants)('$name', ({ options }) => {
    let synth: ReturnType<typeof synthesize>;
    beforeAll(() => {
      synth = synthesize(options);
    });

    const names = [...HTTP_ROUTES.map((r) => `${r.method} ${r.path}`), `HTTP ${HTTP_FALLBACK_ROUTE.routeKey}`, ...WS_ROUTES.map((r) => r.routeKey), ...WS_ROUTES.flatMap((r) => (r.authorizer ? [`${r.routeKey} authorizer`] : [])), ...EVENT_RULES.map((r) => `rule ${r.name}`)];
    it.each(names)('%s', (name) => {
      const row = rowsOf(synth).find((r) => r.name === name)!;
      checkRow(synth, row);
    });
  });

  it('sends email only as the configured sender identity (senderEmail is required)', () => {
    const synth = synthesize({ env: TEST_ENV, context: FULL_CONTEXT });
    const emailRows = rowsOf(synth).filter((r) => r.access.email);
    for (const row of emailRows) {
      const ses = statementsOf(synth, row.fn()!).filter((s) => [s.Action].flat().some((a) => a.startsWith('ses:')));
      expect(ses.flatMap((s) => [s.Resource].flat()).sort()).toEqual([
        'arn:aws:ses:eu-west-1:123456789012:identity/commissioning@example.com',
        'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
      ]);
    }
  });
});
