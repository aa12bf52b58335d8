// The house Lambda: one per route-table or rule-table row. Bundling, runtime, logging, alarms and
// grants are decided here once, so a stack only says which row a function serves.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AssetStaging, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type Policy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Access } from '../../lib/routes';
import { environmentFor, grantAccess, layersFor } from '../access';
import { LAMBDA_BUNDLING, LAMBDA_NODE_OPTIONS, REPO_ROOT } from '../bundling';
import { acknowledge, acknowledgeFunctionWildcards } from '../nag';
import type { Platform } from '../platform';

export interface AppFunctionProps {
  /** Handler module, relative to the repository root (a row's `entry`); it exports `handler`. */
  readonly entry: string;
  /** What the function does (a row's `description`). */
  readonly description: string;
  /** What the function may touch (a row's `access`): the only source of its grants and environment. */
  readonly access: Access;
  readonly platform: Platform;
  /**
   * Environment beyond what `access` implies.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * @default Duration.seconds(29) - API Gateway's integration timeout, so Lambda never outlives its caller
   */
  readonly timeout?: Duration;
  /**
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Where asynchronous invocations go once Lambda's own retries are spent.
   * @default - none (API Gateway invokes synchronously and sees the error itself)
   */
  readonly deadLetterQueue?: IQueue;
}

/**
 * A NodejsFunction with the house defaults: nodejs22.x on arm64, esbuild-minified ES module with
 * a source map beside it (not loaded: infra/bundling.ts) and every dependency bundled, the AWS SDK included (infra/bundling.ts), its own log group (30 days) and role
 * (no managed policies), grants, environment and layers from the row's `access` only, and one alarm on
 * errors or throttles.
 */
export class AppFunction extends Construct {
  /** @default Runtime.NODEJS_22_X */
  static readonly RUNTIME = Runtime.NODEJS_22_X;

  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly entry: string;
  readonly access: Access;
  /** Errors or throttles in the last 5 minutes; notifies the alarm topic. */
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
    this.access = props.access;
    const entryPath = resolve(REPO_ROOT, props.entry);
    if (!existsSync(entryPath)) throw new Error(`${props.entry}: entry file not found (route/rule tables point at it)`);

    this.logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // Our own role instead of the default one, which carries the AWSLambdaBasicExecutionRole managed policy.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `Runs ${props.entry}` });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: entryPath,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: resolve(REPO_ROOT, 'package-lock.json'),
      runtime: AppFunction.RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(29),
      description: `${props.entry}: ${props.description}`.slice(0, 256),
      role: this.role,
      logGroup: this.logGroup,
      deadLetterQueue: props.deadLetterQueue,
      layers: layersFor(props.access, Stack.of(this)),
      environment: {
        // None today: infra/bundling.ts (LAMBDA_NODE_OPTIONS) says why source maps are not loaded.
        ...(LAMBDA_NODE_OPTIONS ? { NODE_OPTIONS: LAMBDA_NODE_OPTIONS } : {}),
        ...environmentFor(props.access, props.platform, Stack.of(this)),
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_BUNDLING.target,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourcemap,
        sourcesContent: LAMBDA_BUNDLING.sourcesContent,
        externalModules: [...LAMBDA_BUNDLING.externalModules],
        banner: LAMBDA_BUNDLING.banner,
        // NodejsFunction has no `alias` option: esbuild's own flag. Its relative target resolves in
        // esbuild's working directory: projectRoot (REPO_ROOT) when bundling locally, and, should
        // the CDK fall back to Docker (no local esbuild), the mounted root instead of the default "/".
        esbuildArgs: { '--alias': Object.entries(LAMBDA_BUNDLING.alias).map(([from, to]) => `${from}=${to}`) },
        workingDirectory: AssetStaging.BUNDLING_INPUT_DIR,
      },
    });
    grantAccess(this.function, props.access, props.platform);

    // One alarm per function (errors or throttles): alarms are per-function resources, and the Api
    // stack must stay well under CloudFormation's 500 resources per stack as routes grow.
    const period = Duration.minutes(5);
    this.alarm = new MathExpression({
      expression: 'errors + throttles',
      usingMetrics: {
        errors: this.function.metricErrors({ period, statistic: 'Sum' }),
        throttles: this.function.metricThrottles({ period, statistic: 'Sum' }),
      },
      label: 'Errors + throttles',
      period,
    }).createAlarm(this, 'Alarm', {
      alarmDescription: `${props.entry}: invocation errors or throttles in the last 5 minutes`,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new SnsAction(props.platform.alarmTopic));

    const policy = this.role.node.tryFindChild('DefaultPolicy') as Policy | undefined;
    if (policy) acknowledgeFunctionWildcards(policy);
    acknowledge(
      this.function,
      'L1',
      'nodejs22.x is the runtime the project is built and tested for (DESIGN.md §4); moving to nodejs24.x is a deliberate upgrade, not a default',
    );
  }
}
