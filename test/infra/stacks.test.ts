// The synthesized templates follow the route, rule and table definitions in lib/: one function and
// one route per row, the three WebSocket routes, the table, the CloudFront edge, the environment.
import { readFileSync } from 'node:fs';
import type { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_RULES } from '../../lib/events/rules';
import { TABLE_DEFINITION } from '../../lib/db/table';
import { type Access, API_STACKS, HTTP_FALLBACK_ROUTE, HTTP_ROUTES, POWER_ROUTES, POWERBANK_ROUTES, type Route, WS_ROUTES } from '../../lib/routes';
import { LAMBDA_NODE_OPTIONS } from '../../infra/bundling';
import type { AppFunction } from '../../infra/constructs/app-function';
import { EdgeStack, OCPP_REWRITE_FUNCTION_FILE, OCPP_CHALLENGE_FUNCTION_FILE } from '../../infra/stacks/edge-stack';
import { type CfnResource, logicalId, resources, type Synthesized, synthesize } from './support/synth';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

const routeKey = (r: Route) => (r.kind === 'http' ? `${r.method} ${r.path}` : r.routeKey);

/** The environment variable names lib/routes.ts promises for a row's access (the contract comment). */
function contractEnvironment(access: Access, options: { connect?: boolean } = {}): string[] {
  // NODE_OPTIONS only when infra/bundling.ts sets any (none: source maps are not loaded at import).
  const names = [...(LAMBDA_NODE_OPTIONS ? ['NODE_OPTIONS'] : []), 'LOG_LEVEL', 'OCPP_PUBLIC_ENDPOINT', 'PUBLIC_BASE_URL'];
  if (access.table) names.push('TABLE_NAME');
  if (access.events) names.push('EVENT_BUS_NAME');
  if (access.connections) names.push('WS_MANAGEMENT_ENDPOINT');
  if (access.certificates) names.push('CERTIFICATE_BUCKET');
  if (access.certificates === 'readwrite') names.push('CERTIFICATE_FONT_DIR');
  if (access.email) names.push('EMAIL_FROM');
  if (access.webhookSecrets) names.push('WEBHOOK_SECRETS_KEY_ID');
  if (access.secrets?.includes('jwt-signing')) names.push('JWT_SECRET_ARN');
  if (access.secrets?.includes('certificate-signing')) names.push('CERT_SIGNING_SECRET_ARN');
  if (options.connect) names.push('ORIGIN_VERIFY_SECRET');
  return names.sort();
}

interface DistributionConfig {
  readonly DefaultCacheBehavior: Record<string, unknown>;
  readonly CacheBehaviors?: unknown;
  readonly Origins: ReadonlyArray<{ DomainName: unknown; OriginPath: string; CustomOriginConfig: unknown; OriginCustomHeaders: unknown }>;
  readonly Logging: unknown;
}

interface KeyElement {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}

interface TableProperties {
  readonly KeySchema: KeyElement[];
  readonly GlobalSecondaryIndexes: Array<{ IndexName: string; KeySchema: KeyElement[]; Projection: { ProjectionType: string } }>;
  readonly [key: string]: unknown;
}

function distributionConfig(): DistributionConfig {
  const distributions = Object.values(resources(synth.template(synth.application.edge), 'AWS::CloudFront::Distribution'));
  expect(distributions).toHaveLength(1);
  return distributions[0]!.Properties!.DistributionConfig as DistributionConfig;
}

function functionResource(fn: AppFunction): CfnResource {
  const stack = fn.function.stack;
  const found = resources(synth.template(stack), 'AWS::Lambda::Function')[logicalId(stack, fn.function)];
  if (!found) throw new Error(`${fn.entry}: no function in the template`);
  return found;
}

function environmentOf(fn: AppFunction): Record<string, unknown> {
  return ((functionResource(fn).Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {}) as Record<string, unknown>;
}

describe('functions', () => {
  it('has one function per HTTP route (and the $default route), per WebSocket route and per event rule, and no others', () => {
    const { api, ocpp, events } = synth.application;
    for (const stack of api.stacks) {
      const rows = HTTP_ROUTES.filter((r) => (r.stack ?? 'Api') === stack.node.id).length + (stack.node.id === 'Api' ? 1 : 0);
      synth.template(stack).resourceCountIs('AWS::Lambda::Function', rows);
    }
    expect(api.stacks.map((s) => s.node.id)).toEqual([...API_STACKS]);
    synth.template(ocpp).resourceCountIs('AWS::Lambda::Function', WS_ROUTES.length + WS_ROUTES.filter((r) => r.authorizer).length);
    synth.template(events).resourceCountIs('AWS::Lambda::Function', EVENT_RULES.length);
    for (const stack of [synth.application.data, synth.application.edge, synth.application.monitoring]) {
      synth.template(stack).resourceCountIs('AWS::Lambda::Function', 0);
    }
  });

  const rows = [
    ...[...HTTP_ROUTES, HTTP_FALLBACK_ROUTE].map((row) => ({ name: `HTTP ${routeKey(row)}`, row, get: () => synth.application.api.routes.get(routeKey(row))?.function })),
    ...WS_ROUTES.map((row) => ({ name: row.routeKey, row, get: () => synth.application.ocpp.routes.get(row.routeKey)?.function })),
    ...WS_ROUTES.flatMap((ws) =>
      ws.authorizer ? [{ name: `${ws.routeKey} authorizer`, row: { ...ws.authorizer, routeKey: ws.routeKey }, get: () => synth.application.ocpp.routes.get(ws.routeKey)?.authorizer }] : [],
    ),
    ...EVENT_RULES.map((row) => ({ name: `rule ${row.name}`, row, get: () => synth.application.events.rules.get(row.name)?.function })),
  ];

  it.each(rows)('$name: nodejs22.x on arm64, from its entry, with the contract environment', ({ row, get }) => {
    const fn = get();
    expect(fn, 'function for the row').toBeDefined();
    const props = functionResource(fn!).Properties!;
    expect(props.Runtime).toBe('nodejs22.x');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.Handler).toBe('index.handler');
    expect(props.Description).toMatch(new RegExp(`^${row.entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(fn!.entry).toBe(row.entry);
    const connect = 'routeKey' in row && row.routeKey === '$connect';
    expect(Object.keys(environmentOf(fn!)).sort()).toEqual(contractEnvironment(row.access, { connect }));
  });

  it('sets the environment from the stacks, never a hard-coded name', () => {
    const connect = synth.application.ocpp.routes.get('$connect')!.function;
    const env = environmentOf(connect);
    expect(env.TABLE_NAME).toEqual({ 'Fn::ImportValue': 'Commissioning-Data-TableName' });
    expect(env.EVENT_BUS_NAME).toEqual({ 'Fn::ImportValue': 'Commissioning-Events-EventBusName' });
    // A custom domain can be added later, so the endpoint is a deploy-time SSM parameter, not an export.
    expect(JSON.stringify(env.OCPP_PUBLIC_ENDPOINT)).toMatch(/^\{"Ref":"SsmParameterValueCommissioningEdgeOcppPublicEndpoint[0-9A-F]+Parameter"\}$/);
    // The execute-api endpoint of this API and stage, never the CloudFront domain (DESIGN.md §2.2).
    expect(JSON.stringify(env.WS_MANAGEMENT_ENDPOINT)).toMatch(/"https:\/\/",\{"Fn::ImportValue":"Commissioning-Edge-WebSocketApiId"\},"\.execute-api\..*"\/prod"/);
  });
});

describe('HTTP API', () => {
  it('has exactly one route per HTTP_ROUTES row and the $default route, each integrated with that row\'s function', () => {
    const { api } = synth.application;
    const stackOf = (row: (typeof rows)[number]) => api.stacks.find((s) => s.node.id === (row.kind === 'http' ? (row.stack ?? 'Api') : 'Api'))!;
    const routesIn = (stack: (typeof api.stacks)[number]) => Object.values(resources(synth.template(stack), 'AWS::ApiGatewayV2::Route'));
    const rows = [...HTTP_ROUTES, HTTP_FALLBACK_ROUTE];
    expect(api.stacks.flatMap(routesIn).map((r) => r.Properties!.RouteKey).sort()).toEqual(rows.map(routeKey).sort());
    for (const row of rows) {
      const stack = stackOf(row);
      const routes = routesIn(stack);
      const integrations = resources(synth.template(stack), 'AWS::ApiGatewayV2::Integration');
      const deployed = api.routes.get(routeKey(row))!;
      const route = routes.find((r) => r.Properties!.RouteKey === routeKey(row))!;
      expect(route.Properties!.ApiId).toEqual({ 'Fn::ImportValue': 'Commissioning-Edge-HttpApiId' });
      const target = JSON.stringify(route.Properties!.Target);
      const integrationId = Object.keys(integrations).find((id) => target.includes(`"${id}"`));
      expect(integrationId, `${routeKey(row)} integration`).toBeDefined();
      const integration = integrations[integrationId!]!.Properties!;
      expect(integration.IntegrationType).toBe('AWS_PROXY');
      expect(integration.PayloadFormatVersion).toBe('2.0');
      expect(JSON.stringify(integration.IntegrationUri)).toContain(logicalId(stack, deployed.function.function));
    }
  });

  it('deploys the power routes (issue #18) in their own ApiPower stack, one function and route each', () => {
    const stack = synth.application.api.stacks.find((s) => s.node.id === 'ApiPower')!;
    expect(POWER_ROUTES.map((r) => r.stack)).toEqual(POWER_ROUTES.map(() => 'ApiPower'));
    const template = synth.template(stack);
    template.resourceCountIs('AWS::Lambda::Function', POWER_ROUTES.length);
    const keys = Object.values(resources(template, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties!.RouteKey).sort();
    expect(keys).toEqual(POWER_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('deploys the PowerBank routes (issue #19) in their own ApiPowerBank stack, one function and route each', () => {
    const stack = synth.application.api.stacks.find((s) => s.node.id === 'ApiPowerBank')!;
    expect(POWERBANK_ROUTES.map((r) => r.stack)).toEqual(POWERBANK_ROUTES.map(() => 'ApiPowerBank'));
    const template = synth.template(stack);
    template.resourceCountIs('AWS::Lambda::Function', POWERBANK_ROUTES.length);
    const keys = Object.values(resources(template, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties!.RouteKey).sort();
    expect(keys).toEqual(POWERBANK_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  // CloudFormation refuses a stack of more than 500 resources; each route row makes 8. The margin
  // leaves room for a few rows; past it, put the new group of routes into a new stack (API_STACKS).
  it.each([...API_STACKS])('keeps the %s stack under 450 resources', (name) => {
    const stack = synth.application.api.stacks.find((s) => s.node.id === name)!;
    const count = Object.keys((synth.template(stack).toJSON() as { Resources?: object }).Resources ?? {}).length;
    expect(count, `${name} has ${count} resources`).toBeLessThan(450);
  });

  it('logs access on the $default stage', () => {
    synth.template(synth.application.edge).hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('routeKey') },
    });
  });
});

describe('OCPP WebSocket API', () => {
  it('has the three routes, each integrated with its function, and no route response', () => {
    const { ocpp } = synth.application;
    const template = synth.template(ocpp);
    const routes = resources(template, 'AWS::ApiGatewayV2::Route');
    expect(Object.values(routes).map((r) => r.Properties!.RouteKey).sort()).toEqual(['$connect', '$default', '$disconnect']);
    const integrations = resources(template, 'AWS::ApiGatewayV2::Integration');
    for (const row of WS_ROUTES) {
      const [, route] = Object.entries(routes).find(([, r]) => r.Properties!.RouteKey === row.routeKey)!;
      const integrationId = Object.keys(integrations).find((id) => JSON.stringify(route.Properties!.Target).includes(`"${id}"`))!;
      expect(JSON.stringify(integrations[integrationId]!.Properties!.IntegrationUri)).toContain(logicalId(ocpp, ocpp.routes.get(row.routeKey)!.function.function));
      expect(route.Properties!.ApiId).toEqual({ 'Fn::ImportValue': 'Commissioning-Edge-WebSocketApiId' });
    }

    // No route response anywhere: API Gateway would send an empty message for an empty body; answers go through @connections.
    expect(Object.values(resources(template, 'AWS::ApiGatewayV2::RouteResponse'))).toHaveLength(0);
    for (const r of Object.values(routes)) expect(r.Properties!.RouteResponseSelectionExpression).toBeUndefined();
  });

  it('runs the $connect authorizer row as a Lambda REQUEST authorizer on $connect only, keyed on the identity CloudFront adds', () => {
    const { ocpp } = synth.application;
    const template = synth.template(ocpp);
    const authorizers = Object.entries(resources(template, 'AWS::ApiGatewayV2::Authorizer'));
    const rows = WS_ROUTES.filter((r) => r.authorizer);
    expect(rows.map((r) => r.routeKey)).toEqual(['$connect']);
    expect(authorizers).toHaveLength(rows.length);
    const [authorizerId, authorizer] = authorizers[0]!;
    expect(authorizer.Properties!.AuthorizerType).toBe('REQUEST');
    expect(authorizer.Properties!.IdentitySource).toEqual(['route.request.querystring.cp']);
    expect(authorizer.Properties!.ApiId).toEqual({ 'Fn::ImportValue': 'Commissioning-Edge-WebSocketApiId' });
    expect(JSON.stringify(authorizer.Properties!.AuthorizerUri)).toContain(logicalId(ocpp, ocpp.routes.get('$connect')!.authorizer!.function));
    for (const route of Object.values(resources(template, 'AWS::ApiGatewayV2::Route'))) {
      if (route.Properties!.RouteKey === '$connect') {
        expect(route.Properties!.AuthorizationType).toBe('CUSTOM');
        expect(route.Properties!.AuthorizerId).toEqual({ Ref: authorizerId });
      } else {
        expect(route.Properties!.AuthorizerId).toBeUndefined();
      }
    }
    // API Gateway may invoke it; it gets the origin secret, so a request around CloudFront is denied before any read.
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'apigateway.amazonaws.com', FunctionName: { 'Fn::GetAtt': [logicalId(ocpp, ocpp.routes.get('$connect')!.authorizer!.function), 'Arn'] } });
    expect(Object.keys(environmentOf(ocpp.routes.get('$connect')!.authorizer!))).toContain('ORIGIN_VERIFY_SECRET');
  });

  it('deploys on a named stage that CloudFront uses as its origin path', () => {
    synth.template(synth.application.edge).hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: EdgeStack.WEBSOCKET_STAGE,
      AutoDeploy: true,
    });
  });
});

describe('CloudFront edge', () => {
  it('runs lib/edge/ocpp-rewrite.cloudfront.js as a cloudfront-js-2.0 function', () => {
    synth.template(synth.application.edge).hasResourceProperties('AWS::CloudFront::Function', {
      AutoPublish: true,
      FunctionCode: readFileSync(OCPP_REWRITE_FUNCTION_FILE, 'utf8'),
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
    });
  });

  it('runs lib/edge/ocpp-challenge.cloudfront.js as a cloudfront-js-2.0 function', () => {
    synth.template(synth.application.edge).hasResourceProperties('AWS::CloudFront::Function', {
      AutoPublish: true,
      FunctionCode: readFileSync(OCPP_CHALLENGE_FUNCTION_FILE, 'utf8'),
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
    });
  });

  it('attaches the rewrite to viewer requests and the 401 challenge to viewer responses, in front of the WebSocket stage, uncached, with the Host header left out', () => {
    const { edge } = synth.application;
    const config = distributionConfig();
    const behavior = config.DefaultCacheBehavior;
    expect(behavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [logicalId(edge, edge.ocppRewriteFunction), 'FunctionARN'] } },
      { EventType: 'viewer-response', FunctionARN: { 'Fn::GetAtt': [logicalId(edge, edge.ocppChallengeFunction), 'FunctionARN'] } },
    ]);
    expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(behavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // Managed-AllViewerExceptHostHeader
    expect(behavior.ViewerProtocolPolicy).toBe('https-only');
    expect(config.CacheBehaviors).toBeUndefined();

    expect(config.Origins).toHaveLength(1);
    const origin = config.Origins[0]!;
    expect(origin.OriginPath).toBe(`/${EdgeStack.WEBSOCKET_STAGE}`);
    expect(JSON.stringify(origin.DomainName)).toContain(logicalId(edge, edge.webSocketApi));
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(config.Logging).toMatchObject({ Prefix: 'cloudfront/ocpp/' });
  });

  it('sends a secret X-Origin-Verify header whose value $connect (and only $connect) checks', () => {
    const { edge, ocpp } = synth.application;
    const config = distributionConfig();
    const secretId = logicalId(edge, edge.originVerifySecret);
    expect(config.Origins[0]!.OriginCustomHeaders).toEqual([
      { HeaderName: 'X-Origin-Verify', HeaderValue: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] } },
    ]);
    // The same secret, exported by name, resolved into $connect's environment.
    expect(synth.template(edge).toJSON().Outputs.OriginVerifySecretArn).toMatchObject({
      Value: { Ref: secretId },
      Export: { Name: 'Commissioning-Edge-OriginVerifySecretArn' },
    });
    for (const [key, deployed] of ocpp.routes) {
      const value = environmentOf(deployed.function).ORIGIN_VERIFY_SECRET;
      if (key === '$connect') {
        expect(value).toEqual({
          'Fn::Join': ['', ['{{resolve:secretsmanager:', { 'Fn::ImportValue': 'Commissioning-Edge-OriginVerifySecretArn' }, ':SecretString:::}}']],
        });
      } else {
        expect(value).toBeUndefined();
      }
    }
  });
});

describe('data', () => {
  it('creates the table from TABLE_DEFINITION: keys, GSIs, TTL, point-in-time recovery, deletion protection', () => {
    const tables = Object.values(resources(synth.template(synth.application.data), 'AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(1);
    const table = tables[0]!;
    const props = table.Properties as TableProperties;
    expect(props.KeySchema).toEqual([
      { AttributeName: TABLE_DEFINITION.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_DEFINITION.sortKey, KeyType: 'RANGE' },
    ]);
    const gsis = props.GlobalSecondaryIndexes.map((g) => ({
      indexName: g.IndexName,
      partitionKey: g.KeySchema.find((k) => k.KeyType === 'HASH')?.AttributeName,
      sortKey: g.KeySchema.find((k) => k.KeyType === 'RANGE')?.AttributeName,
      projection: g.Projection.ProjectionType,
    }));
    expect(gsis).toEqual(TABLE_DEFINITION.globalSecondaryIndexes.map((g) => ({ ...g, projection: 'ALL' })));
    const keyNames = new Set([TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey, ...TABLE_DEFINITION.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey])]);
    expect(props.AttributeDefinitions).toEqual([...keyNames].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })));
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_DEFINITION.ttlAttribute, Enabled: true });
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('keeps certificates in an encrypted, private, TLS-only, versioned, logged bucket that outlives the stack', () => {
    const { data } = synth.application;
    const template = synth.template(data);
    const bucketId = logicalId(data, data.certificateBucket);
    const bucket = resources(template, 'AWS::S3::Bucket')[bucketId]!;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(data, data.accessLogsBucket) } },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('generates the JWT signing key and leaves an empty certificate-signing secret to fill', () => {
    const template = synth.template(synth.application.data);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true } });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: JSON.stringify({ p12Base64: '', passphrase: '' }) });
  });
});

describe('events', () => {
  it.each(EVENT_RULES.map((row) => ({ name: row.name, row })))('$name: one rule targeting its function, dead letters on both failure paths', ({ row }) => {
    const { events } = synth.application;
    const template = synth.template(events);
    const deployed = events.rules.get(row.name)!;
    const rule = resources(template, 'AWS::Events::Rule')[logicalId(events, deployed.rule)]!.Properties!;
    const queueArn = { 'Fn::GetAtt': [logicalId(events, deployed.deadLetterQueue), 'Arn'] };
    expect(rule.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [logicalId(events, deployed.function.function), 'Arn'] }, DeadLetterConfig: { Arn: queueArn } }),
    ]);
    if (row.pattern) {
      expect(rule.EventBusName).toEqual({ Ref: logicalId(events, events.eventBus) });
      // A data filter (lib/events/rules.ts) is matched on the envelope's `detail.data`.
      expect(rule.EventPattern).toEqual({ source: row.pattern.source, 'detail-type': row.pattern.detailType, ...(row.pattern.data ? { detail: { data: row.pattern.data } } : {}) });
    } else {
      // Scheduled rules only run on the default bus.
      expect(rule.EventBusName).toBeUndefined();
      expect(rule.ScheduleExpression).toBe(row.schedule);
    }
    expect(functionResource(deployed.function).Properties!.DeadLetterConfig).toEqual({ TargetArn: queueArn });
  });

  it('has one rule per row and no other', () => {
    synth.template(synth.application.events).resourceCountIs('AWS::Events::Rule', EVENT_RULES.length);
  });
});

describe('monitoring', () => {
  it('alarms on every function, every dead-letter queue and both APIs, all notifying the alarm topic', () => {
    const { api, ocpp, events, edge } = synth.application;
    const expected = new Map<Stack, number>([
      ...api.stacks.map((stack): [Stack, number] => [stack, HTTP_ROUTES.filter((r) => (r.stack ?? 'Api') === stack.node.id).length + (stack.node.id === 'Api' ? 1 : 0)]),
      [ocpp, WS_ROUTES.length + WS_ROUTES.filter((r) => r.authorizer).length],
      [events, EVENT_RULES.length * 2],
      [edge, 2],
    ]);
    for (const [stack, count] of expected) {
      const alarms = Object.values(resources(synth.template(stack), 'AWS::CloudWatch::Alarm'));
      expect(alarms, stack.stackName).toHaveLength(count);
      for (const alarm of alarms) expect(alarm.Properties!.AlarmActions).toEqual([{ 'Fn::ImportValue': 'Commissioning-Data-AlarmTopicArn' }]);
    }
    synth.template(synth.application.monitoring).resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
