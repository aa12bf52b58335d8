// The public front doors, without behaviour: the OCPP WebSocket API and its CloudFront
// distribution, and the HTTP API. Routes and functions live in the Ocpp and Api stacks.
//
// Why the APIs sit in their own stack: every function is told both public addresses
// (OCPP_PUBLIC_ENDPOINT, PUBLIC_BASE_URL) and some HTTP functions manage WebSocket connections,
// so OCPP functions need the HTTP API and HTTP functions need the WebSocket API. Creating both
// APIs first makes the stacks a chain (Data → Edge → Events → Ocpp, Api) instead of a cycle.
import { resolve } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { DomainName, HttpApi, HttpStage, LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { REPO_ROOT } from '../bundling';
import type { DeployConfig } from '../config';
import { OcppTlsFront } from '../constructs/ocpp-tls-front';
import { acknowledge } from '../nag';
import { StackExports } from '../stack-exports';
import type { DataStack } from './data-stack';

/** The CloudFront Function source; the local runtime runs the same file (local/edge.ts). */
export const OCPP_REWRITE_FUNCTION_FILE = resolve(REPO_ROOT, 'lib/edge/ocpp-rewrite.cloudfront.js');
export const OCPP_CHALLENGE_FUNCTION_FILE = resolve(REPO_ROOT, 'lib/edge/ocpp-challenge.cloudfront.js');

/** Header CloudFront adds to every origin request; $connect refuses requests without it. */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';

export type EdgeExport = 'WebSocketApiId' | 'HttpApiId' | 'OriginVerifySecretArn';
/** Values a deployment setting (a custom domain) can change later: SSM parameters, not exports (stack-exports.ts). */
export type EdgeParameter = 'OcppPublicEndpoint' | 'PublicBaseUrl';

export interface EdgeStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly data: DataStack;
  /**
   * ARN of the CloudFront-scope WAF web ACL (EdgeWafStack, us-east-1).
   * @default - no web ACL: only when synthesized without a concrete account and region
   */
  readonly webAclArn?: string;
}

/**
 * CloudFront security policy of the OCPP endpoint on a custom domain (OCPP security profile 2).
 * OCPP 2.0.1 Part 2 A00.FR.312/313 (1.6 security whitepaper the same): TLS 1.2 or higher only.
 * A00.FR.317 (2.0.1 A00.FR.318 wording is the same list): the CSMS supports at least
 * TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
 * TLS_RSA_WITH_AES_128_GCM_SHA256 and TLS_RSA_WITH_AES_256_GCM_SHA384, because a charging station
 * need only support the ECDSA pair or the RSA pair. CloudFront's policies are fixed lists (no custom
 * cipher list); of those without TLS 1.0/1.1, only TLSv1.2_2018 still offers the two TLS_RSA GCM suites
 * (AES128-GCM-SHA256, AES256-GCM-SHA384): TLSv1.2_2019 and later drop them, so a charger with only
 * the RSA pair could not connect. The extra suites 2018 offers (ECDHE CBC-SHA256/384, AES128-SHA256)
 * use no primitive A00.FR.319 excludes. test/infra/ocpp-tls.test.ts holds the AWS table this rests on.
 *
 * The ECDHE_ECDSA pair is negotiated only with an ECDSA certificate, the TLS_RSA pair only with an RSA
 * one. CloudFront takes either key type from ACM (RSA 2048, ECDSA P-256/P-384; CloudFront Developer
 * Guide, "Requirements for using SSL/TLS certificates with CloudFront", Key type), but a distribution's
 * ViewerCertificate is exactly one certificate (API reference, ViewerCertificate), so one hostname offers
 * one pair. API Gateway custom domains and their TLS policies are no way round it: the OCPP URL needs
 * this distribution for its path (DESIGN.md §2.1). Decision: `ocppCertificateArn` is an RSA certificate
 * (ACM's default), which serves the RSA pair; a station need support only one pair (A00.FR.317), and the
 * RSA pair is the one chargers support most widely. A second distribution with an ECDSA certificate on a
 * second hostname would serve ECDSA-only stations, but TC_A_04_CSMS validates all four suites on one
 * endpoint, so it would not pass that case either; it is not built. What does pass it is the optional
 * `-c ocppTlsFront=true`: a load balancer listener holding an RSA and an ECDSA certificate for the one
 * hostname in front of this distribution (infra/constructs/ocpp-tls-front.ts; docs/conformance.md, "TLS").
 */
export const OCPP_VIEWER_SECURITY_POLICY = SecurityPolicyProtocol.TLS_V1_2_2018;

export class EdgeStack extends Stack {
  /** The WebSocket stage; CloudFront's origin path is `/<stage>`. */
  static readonly WEBSOCKET_STAGE = 'prod';

  readonly webSocketApi: WebSocketApi;
  readonly webSocketStage: WebSocketStage;
  readonly httpApi: HttpApi;
  readonly httpStage: HttpStage;
  readonly originVerifySecret: Secret;
  readonly ocppRewriteFunction: CloudFrontFunction;
  readonly ocppChallengeFunction: CloudFrontFunction;
  readonly distribution: Distribution;
  /** The NLB + nginx front with both certificates (`-c ocppTlsFront=true`). */
  readonly ocppTlsFront?: OcppTlsFront;
  readonly exports = new StackExports<EdgeExport, EdgeParameter>(this);

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const alarmAction = new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', data.exports.use(this, 'AlarmTopicArn')));

    // --- OCPP WebSocket API (routes: OcppStack) -----------------------------------------------
    // Frames are JSON arrays, so the route selection expression never matches and every frame
    // lands on $default (DESIGN.md §2.6).
    this.webSocketApi = new WebSocketApi(this, 'OcppWebSocketApi', {
      apiName: `${this.stackName}-ocpp`,
      description: 'OCPP-J 1.6 / 2.0.1 charge point connections (reached through CloudFront)',
    });
    this.webSocketStage = new WebSocketStage(this, 'OcppWebSocketStage', {
      webSocketApi: this.webSocketApi,
      stageName: EdgeStack.WEBSOCKET_STAGE,
      autoDeploy: true,
      throttle: { rateLimit: 1000, burstLimit: 2000 },
      ...(config.webSocketAccessLogs
        ? {
            accessLogSettings: {
              destination: new LogGroupLogDestination(this.accessLogGroup('OcppWebSocketAccessLogs')),
              format: AccessLogFormat.custom(
                JSON.stringify({
                  requestId: '$context.requestId',
                  connectionId: '$context.connectionId',
                  eventType: '$context.eventType',
                  routeKey: '$context.routeKey',
                  status: '$context.status',
                  ip: '$context.identity.sourceIp',
                  requestTime: '$context.requestTime',
                  integrationError: '$context.integrationErrorMessage',
                }),
              ),
            },
          }
        : {}),
    });
    if (!config.webSocketAccessLogs) {
      acknowledge(
        this.webSocketStage,
        'APIG1',
        'WebSocket access logs need the account-wide API Gateway CloudWatch role, which this app must not own; $connect/$disconnect log every connection, CloudFront logs every upgrade request, and -c webSocketAccessLogs=true turns stage logs on where the role exists',
      );
    }

    // --- CloudFront in front of it --------------------------------------------------------------
    // API Gateway WebSocket accepts no path after the stage, OCPP-J puts the identity there: the
    // viewer-request function rewrites /ocpp/{identity} → /?cp={identity} and 404s the rest.
    this.ocppRewriteFunction = new CloudFrontFunction(this, 'OcppRewriteFunction', {
      code: FunctionCode.fromFile({ filePath: OCPP_REWRITE_FUNCTION_FILE }),
      runtime: FunctionRuntime.JS_2_0,
      // CloudFront Function names are account-wide (not regional): carry the stack name so a second
      // copy (-c stackPrefix=Staging) in the same account does not collide.
      functionName: `${this.stackName}-ocpp-rewrite`,
      comment: 'OCPP-J: /ocpp/{identity} -> /?cp={identity}; anything else 404',
    });
    // $connect's 401 reaches the charger without headers (API Gateway WebSocket passes only
    // Sec-WebSocket-* ones on), so the Basic challenge is added on the way out.
    this.ocppChallengeFunction = new CloudFrontFunction(this, 'OcppChallengeFunction', {
      code: FunctionCode.fromFile({ filePath: OCPP_CHALLENGE_FUNCTION_FILE }),
      runtime: FunctionRuntime.JS_2_0,
      // Account-wide name, like the rewrite function's: the stack name keeps copies apart.
      functionName: `${this.stackName}-ocpp-challenge`,
      comment: 'OCPP-J: WWW-Authenticate Basic challenge on a refused upgrade with 401',
    });
    this.originVerifySecret = new Secret(this, 'OriginVerifySecret', {
      description: `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends to the OCPP WebSocket API; checked in $connect`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    });
    acknowledge(
      this.originVerifySecret,
      'SMG4',
      'CloudFormation resolves the value into the distribution and $connect at deploy time; rotating means a new value and redeploying Edge and Ocpp together (docs/deploy.md), which a rotation Lambda cannot do',
    );

    const origin = new HttpOrigin(`${this.webSocketApi.apiId}.execute-api.${this.region}.${this.urlSuffix}`, {
      originPath: `/${EdgeStack.WEBSOCKET_STAGE}`,
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      customHeaders: { [ORIGIN_VERIFY_HEADER]: this.originVerifySecret.secretValue.unsafeUnwrap() },
    });
    const customDomain = config.ocppDomainName && config.ocppCertificateArn
      ? {
          domainNames: [config.ocppDomainName],
          certificate: Certificate.fromCertificateArn(this, 'OcppCertificate', config.ocppCertificateArn),
          minimumProtocolVersion: OCPP_VIEWER_SECURITY_POLICY,
        }
      : {};
    this.distribution = new Distribution(this, 'OcppDistribution', {
      comment: `${this.stackName}: OCPP-J WebSocket endpoint`,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: config.allowUnencryptedOcpp ? ViewerProtocolPolicy.ALLOW_ALL : ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        // AllViewer would send CloudFront's Host to API Gateway (403); an allow-list cannot carry Authorization.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: false,
        functionAssociations: [
          { function: this.ocppRewriteFunction, eventType: FunctionEventType.VIEWER_REQUEST },
          { function: this.ocppChallengeFunction, eventType: FunctionEventType.VIEWER_RESPONSE },
        ],
      },
      enableLogging: true,
      logBucket: Bucket.fromBucketAttributes(this, 'AccessLogsBucket', { bucketName: data.exports.use(this, 'AccessLogsBucketName') }),
      logFilePrefix: 'cloudfront/ocpp/',
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      ...customDomain,
    });
    acknowledge(
      this.distribution,
      'CFR1',
      'Charge points are installed wherever customers are; the endpoint only answers /ocpp/{identity} with a registered identity and valid Basic auth',
    );
    if (!props.webAclArn) {
      acknowledge(
        this.distribution,
        'CFR2',
        'Synthesized without a concrete account and region, so the us-east-1 web ACL (EdgeWafStack) cannot be referenced; every `cdk deploy` has both and attaches it (infra/stacks/edge-waf-stack.ts)',
      );
    }
    if (!config.ocppDomainName) {
      acknowledge(
        this.distribution,
        'CFR4',
        `Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose TLS policy cannot be set (it accepts TLS 1.0, so security profile 2 is not conformant there: docs/conformance.md); with -c ocppDomainName the policy is ${OCPP_VIEWER_SECURITY_POLICY}`,
      );
    }

    // --- Optional TLS front with an RSA and an ECDSA certificate (TC_A_04_CSMS) ----------------------
    if (config.ocppTlsFront && config.ocppDomainName) {
      this.ocppTlsFront = new OcppTlsFront(this, 'OcppTlsFront', {
        domainName: config.ocppDomainName,
        distributionDomainName: this.distribution.distributionDomainName,
        ...(config.ocppTlsFrontRsaCertificateArn && config.ocppTlsFrontEcdsaCertificateArn
          ? { certificateArns: { rsa: config.ocppTlsFrontRsaCertificateArn, ecdsa: config.ocppTlsFrontEcdsaCertificateArn } }
          : {}),
        alarmAction,
      });
    }

    // --- HTTP API (routes: ApiStack) ------------------------------------------------------------
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `${this.stackName}-http`,
      description: 'Installer, operator and job-page REST API',
      createDefaultStage: false,
    });
    const apiDomain = config.apiDomainName && config.apiCertificateArn
      ? new DomainName(this, 'HttpApiDomain', {
          domainName: config.apiDomainName,
          certificate: Certificate.fromCertificateArn(this, 'HttpApiCertificate', config.apiCertificateArn),
        })
      : undefined;
    this.httpStage = new HttpStage(this, 'HttpApiStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup('HttpApiAccessLogs')),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
      ...(apiDomain ? { domainMapping: { domainName: apiDomain } } : {}),
    });

    // --- Alarms -----------------------------------------------------------------------------------
    const period = Duration.minutes(5);
    // ExecutionError, not IntegrationError: $connect answers 401/404 to bad chargers by design.
    new Metric({
      namespace: 'AWS/ApiGateway',
      metricName: 'ExecutionError',
      dimensionsMap: { ApiId: this.webSocketApi.apiId, Stage: EdgeStack.WEBSOCKET_STAGE },
      statistic: 'Sum',
      period,
    })
      .createAlarm(this, 'OcppWebSocketErrorsAlarm', {
        alarmDescription: 'OCPP WebSocket API: errors calling the integration (the 5xx of a WebSocket API)',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      })
      .addAlarmAction(alarmAction);
    this.httpApi
      .metricServerError({ statistic: 'Sum', period })
      .createAlarm(this, 'HttpApi5xxAlarm', {
        alarmDescription: 'HTTP API: 5xx responses',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      })
      .addAlarmAction(alarmAction);

    // --- What later stacks get ------------------------------------------------------------------
    const ocppHost = config.ocppDomainName ?? this.distribution.distributionDomainName;
    const ocppPublicEndpoint = `wss://${ocppHost}/ocpp`;
    const publicBaseUrl = config.apiDomainName ? `https://${config.apiDomainName}` : this.httpApi.apiEndpoint;
    this.exports.publish('WebSocketApiId', this.webSocketApi.apiId, 'OCPP WebSocket API id (routes, @connections)');
    this.exports.publish('HttpApiId', this.httpApi.apiId, 'HTTP API id (routes)');
    this.exports.publishParameter('OcppPublicEndpoint', ocppPublicEndpoint, 'What charge points connect to: <this>/{identity}');
    this.exports.publishParameter('PublicBaseUrl', publicBaseUrl, 'Base URL of the HTTP API');
    this.exports.publish('OriginVerifySecretArn', this.originVerifySecret.secretArn, `Secret behind the ${ORIGIN_VERIFY_HEADER} header`);

    new CfnOutput(this, 'OcppDistributionDomainName', {
      value: this.distribution.distributionDomainName,
      description: config.ocppTlsFront
        ? `The distribution behind the OCPP TLS front (${config.ocppDomainName} points at OcppTlsFrontDnsName instead)`
        : config.ocppDomainName
          ? `Point ${config.ocppDomainName} (CNAME/alias) here`
          : 'The OCPP endpoint host',
    });
    if (apiDomain) {
      new CfnOutput(this, 'HttpApiDomainTarget', { value: apiDomain.regionalDomainName, description: `Point ${config.apiDomainName} (CNAME/alias) here` });
    }
  }

  private accessLogGroup(id: string): LogGroup {
    return new LogGroup(this, id, { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
  }
}
