// The whole CDK application: six stacks built from the route, rule and table definitions in lib/,
// checked by cdk-nag's AwsSolutions pack at synth. infra/app.ts (the `cdk` entry) and the infra
// tests both call buildApplication, so the tests check what gets deployed.
//
//   Data ──► Edge ──► Events ──► Ocpp
//                 └──────────┴──► Api, ApiCharging (HTTP routes, lib/routes.ts API_STACKS)
//                                             Monitoring (dashboard) ◄── Edge
//   EdgeWaf (us-east-1: CloudFront web ACL) ──► Edge, when account and region are known
import { type App, type Environment, Tags, Token, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type DeployConfig, readDeployConfig } from './config';
import { API_STACKS } from '../lib/routes';
import { ApiStack, type DeployedHttpRoute } from './stacks/api-stack';
import { DataStack } from './stacks/data-stack';
import { EdgeStack } from './stacks/edge-stack';
import { EdgeWafStack } from './stacks/edge-waf-stack';
import { EventsStack } from './stacks/events-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { OcppStack } from './stacks/ocpp-stack';

export interface Application {
  readonly config: DeployConfig;
  readonly data: DataStack;
  readonly edge: EdgeStack;
  /** Absent when synthesized without a concrete account and region (see edge-waf-stack.ts). */
  readonly edgeWaf?: EdgeWafStack;
  readonly events: EventsStack;
  readonly ocpp: OcppStack;
  /** The HTTP routes, spread over the stacks of API_STACKS: every route by its key, and the stacks. */
  readonly api: { readonly routes: ReadonlyMap<string, DeployedHttpRoute>; readonly stacks: readonly ApiStack[] };
  readonly monitoring: MonitoringStack;
}

export interface BuildOptions {
  /**
   * Target account and region.
   * @default - CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION (set by the CLI from your credentials); environment-agnostic without
   */
  readonly env?: Environment;
}

export function buildApplication(app: App, options: BuildOptions = {}): Application {
  const config = readDeployConfig(app);
  const env = options.env ?? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  // Construct ids are frozen once deployed; stack names carry the prefix so copies can coexist.
  const common = (id: string, description: string) => ({ env, config, stackName: `${config.stackPrefix}-${id}`, description });

  const data = new DataStack(app, 'Data', common('Data', 'Charge point commissioning: table, certificate bucket, secrets, alarm topic (retained)'));
  // A CloudFront web ACL must be in us-east-1 and referenced across regions, which needs a concrete
  // account and region; `cdk deploy` always has them (edge-waf-stack.ts explains the choice).
  const concreteEnv = !!env.account && !!env.region && !Token.isUnresolved(env.account) && !Token.isUnresolved(env.region);
  const edgeWaf = concreteEnv
    ? new EdgeWafStack(app, 'EdgeWaf', { ...common('EdgeWaf', 'Charge point commissioning: WAF web ACL of the OCPP CloudFront distribution (us-east-1)'), env: { account: env.account, region: 'us-east-1' }, crossRegionReferences: true })
    : undefined;
  const edge = new EdgeStack(app, 'Edge', {
    ...common('Edge', 'Charge point commissioning: OCPP WebSocket API + CloudFront, HTTP API'),
    data,
    ...(edgeWaf ? { webAclArn: edgeWaf.webAcl.attrArn, crossRegionReferences: true } : {}),
  });
  const events = new EventsStack(app, 'Events', { ...common('Events', 'Charge point commissioning: event bus, rules and their functions'), data, edge });
  const ocpp = new OcppStack(app, 'Ocpp', { ...common('Ocpp', 'Charge point commissioning: OCPP $connect/$default/$disconnect'), data, edge, events });
  const apiStacks = API_STACKS.map(
    (name) => new ApiStack(app, name, { ...common(name, `Charge point commissioning: HTTP API routes and functions (${name})`), data, edge, events, routesOf: name }),
  );
  const api = { routes: new Map(apiStacks.flatMap((s) => [...s.routes])), stacks: apiStacks };
  const monitoring = new MonitoringStack(app, 'Monitoring', { ...common('Monitoring', 'Charge point commissioning: dashboard'), edge });

  // AWS::CloudWatch::Dashboard and AWS::ElasticLoadBalancingV2::Listener (the OCPP TLS front) take no Tags
  // (cfn-lint E3002, and CloudFormation would reject them).
  const untaggable = { excludeResourceTypes: ['AWS::CloudWatch::Dashboard', 'AWS::ElasticLoadBalancingV2::Listener'] };
  Tags.of(app).add('application', 'chargepoint-commissioning', untaggable);
  Tags.of(app).add('stack-prefix', config.stackPrefix, untaggable);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { config, data, edge, ...(edgeWaf ? { edgeWaf } : {}), events, ocpp, api, monitoring };
}
