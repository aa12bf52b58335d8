// The WAF web ACL in front of the OCPP CloudFront distribution (issue #12 "Accounts" 3).
//
// Where it lives: a CloudFront-scope web ACL must be created in us-east-1, while the other stacks
// deploy to one region of the operator's choice. So it has a stack of its own pinned to us-east-1,
// and the Edge stack reads its ARN through CDK's crossRegionReferences (an SSM parameter in
// us-east-1 read by a custom resource in the Edge region; same-region deploys use a plain
// reference). That needs a concrete account and region, which `cdk deploy` always has
// (CDK_DEFAULT_ACCOUNT/REGION from the credentials); a synth without them leaves this stack out and
// says so on the distribution (infra/application.ts). A context-passed ARN was rejected: a second
// manual deploy step that is easy to forget, and a distribution silently without a web ACL if so.
//
// Why not the HTTP API too: WAF attaches to REST APIs, ALBs, AppSync, Cognito, App Runner and
// Verified Access, not to API Gateway HTTP APIs. Putting the HTTP API behind CloudFront would make
// every request's sourceIp a CloudFront edge address and so break the per-client limits in
// lib/domain/rate-limits.ts unless the app trusted a viewer-address header, which needs an
// origin-secret check on every route. The HTTP API is protected instead by its stage throttle
// (edge-stack.ts) and the per-client and per-account limits the functions keep in the table.
import { RemovalPolicy, Stack, type StackProps, ArnFormat } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config';

export interface EdgeWafStackProps extends StackProps {
  readonly config: DeployConfig;
}

/**
 * Requests per client IP per 5 minutes before WAF blocks it at the edge. CloudFront sees only the
 * WebSocket upgrade requests (frames are not HTTP requests), about one per charger per reconnect
 * (at least every 2 h): even a site of a hundred chargers behind one NAT address stays far below.
 */
export const OCPP_UPGRADES_PER_IP_PER_5_MIN = 300;

export class EdgeWafStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeWafStackProps) {
    super(scope, id, props);
    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

    this.webAcl = new CfnWebACL(this, 'OcppWebAcl', {
      scope: 'CLOUDFRONT',
      description: 'OCPP CloudFront distribution: per-IP rate limit and AWS IP reputation list',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('ocpp-web-acl'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: OCPP_UPGRADES_PER_IP_PER_5_MIN, evaluationWindowSec: 300, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('ocpp-rate-limit-per-ip'),
        },
        {
          name: 'AwsIpReputationList',
          priority: 1,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' } },
          visibilityConfig: visibility('ocpp-ip-reputation'),
        },
      ],
    });

    // WAF logs to CloudWatch need a log group named aws-waf-logs-*. Chargers send Basic auth
    // (OCPP security profiles 1/2), so the Authorization header is redacted before it is logged.
    const logGroupName = `aws-waf-logs-${this.stackName}`;
    const logGroup = new LogGroup(this, 'WebAclLogs', { logGroupName, retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    const logging = new CfnLoggingConfiguration(this, 'WebAclLogging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [this.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
    });
    logging.node.addDependency(logGroup);
  }
}
