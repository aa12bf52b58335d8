// Builds the CDK application the way `cdk synth` does (cdk.json feature flags, infra/application.ts)
// for template assertions. Asset bundling is skipped (`aws:cdk:bundling-stacks: []`) to keep synth
// in seconds; test/infra/bundles.test.ts bundles for real.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, type CfnElement, type Environment, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type Application, buildApplication } from '../../../infra/application';
import { REPO_ROOT } from '../../../infra/bundling';

const CDK_JSON = JSON.parse(readFileSync(resolve(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

export interface SynthOptions {
  /** Deployment context on top of cdk.json's (what `-c key=value` would add). */
  readonly context?: Record<string, unknown>;
  readonly env?: Environment;
  /**
   * CDK's built-in CloudFormation template validation, which `cdk synth` runs (~10 s).
   * @default false
   */
  readonly cloudFormationValidation?: boolean;
}

export interface Synthesized {
  readonly app: App;
  readonly application: Application;
  readonly template: (stack: Stack) => Template;
}

export function synthesize(options: SynthOptions = {}): Synthesized {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'cdk-infra-test-')),
    context: { ...CDK_JSON.context, 'aws:cdk:bundling-stacks': [], ...REQUIRED_CONTEXT, ...options.context },
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
    stackTraces: false,
  });
  const application = buildApplication(app, options.env ? { env: options.env } : {});
  app.synth();
  const templates = new Map<Stack, Template>();
  return {
    app,
    application,
    template: (stack) => {
      let template = templates.get(stack);
      if (!template) {
        template = Template.fromStack(stack);
        templates.set(stack, template);
      }
      return template;
    },
  };
}

/** The logical id a construct's CloudFormation resource has in its stack's template. */
export function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

export type CfnResource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

export function resources(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** The settings a deploy cannot do without (infra/config.ts refuses to synthesize without them). */
export const REQUIRED_CONTEXT = { senderEmail: 'commissioning@example.com' } as const;

/** Deployment context with every optional setting used, for the "fully configured" variants. */
export const FULL_CONTEXT = {
  ocppDomainName: 'ocpp.example.com',
  ocppCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
  apiDomainName: 'api.example.com',
  apiCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000',
  senderEmail: 'commissioning@example.com',
  certificateSigningSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:certificate-signing-AbCdEf',
  alarmEmail: 'ops@example.com',
  webSocketAccessLogs: 'true',
} as const;

export const TEST_ENV: Environment = { account: '123456789012', region: 'eu-west-1' };
