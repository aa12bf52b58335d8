// What a review of the synthesized templates found would break after the first real deploy
// (issue #13): each finding is kept fixed here, against the templates `cdk deploy` would upload.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildApplication } from '../../infra/application';
import { FULL_CONTEXT, REQUIRED_CONTEXT, resources, synthesize, TEST_ENV, type Synthesized } from './support/synth';

/** Every stack of a deploy with a known account and region (EdgeWaf exists only then). */
const STACKS = ['data', 'edgeWaf', 'edge', 'events', 'ocpp', 'monitoring'] as const;

function templatesOf(synth: Synthesized): Array<{ name: string; json: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>; Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }> } }> {
  return [...STACKS.map((s) => synth.application[s]!), ...synth.application.api.stacks].map((stack) => ({ name: stack.stackName, json: synth.template(stack).toJSON() as never }));
}

/** Every export a stack publishes, by export name, with its value. */
function exportsOf(synth: Synthesized): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of templatesOf(synth)) {
    for (const o of Object.values(t.json.Outputs ?? {})) if (o.Export) out[JSON.stringify(o.Export.Name)] = o.Value;
  }
  return out;
}

/** Properties that name a resource uniquely in an account or region (an inline PolicyName is per role, a StageName per API). */
const PHYSICAL_NAME_PROPERTIES = ['Name', 'FunctionName', 'TopicName', 'QueueName', 'DashboardName', 'RoleName', 'TableName', 'BucketName', 'LogGroupName', 'ParameterName', 'AlarmName', 'RuleName'];

/** Physical names the templates set, and every export name. */
function physicalNames(synth: Synthesized): string[] {
  const names: string[] = [];
  for (const t of templatesOf(synth)) {
    for (const r of Object.values(t.json.Resources)) {
      for (const [prop, value] of Object.entries(r.Properties ?? {})) {
        // An authorizer's name is scoped to its API, which each copy has its own of.
        if (r.Type === 'AWS::ApiGatewayV2::Authorizer') continue;
        if (PHYSICAL_NAME_PROPERTIES.includes(prop) && typeof value === 'string') names.push(`${r.Type}.${prop}=${value}`);
      }
    }
    for (const o of Object.values(t.json.Outputs ?? {})) if (o.Export) names.push(`export=${JSON.stringify(o.Export.Name)}`);
  }
  return names;
}

describe('deploy audit (issue #13)', () => {
  it('lets CloudWatch alarms of this account publish to the alarm topic (a topic policy replaces the default one)', () => {
    const synth = synthesize({ env: TEST_ENV });
    const policies = Object.values(resources(synth.template(synth.application.data), 'AWS::SNS::TopicPolicy'));
    const statements = policies.flatMap((p) => (p.Properties!.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement);
    const allow = statements.find((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }));
    expect(allow, 'an Allow statement for cloudwatch.amazonaws.com').toBeDefined();
    expect(allow!.Action).toBe('sns:Publish');
    expect(allow!.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*' },
    });
  });

  it('refuses to synthesize without senderEmail, saying what to pass', () => {
    const app = new App({ context: {} });
    expect(() => buildApplication(app, { env: TEST_ENV })).toThrow(/senderEmail is required.*-c senderEmail=/s);
  });

  it('passes the domain settings (1.6 backoffice URL keys, Bornholm zone) to the functions, checked at synth', () => {
    const keys = JSON.stringify({ 'KeyVendor/KV1': 'CentralSystemUrl' });
    const synth = synthesize({ env: TEST_ENV, context: { ocpp16BackofficeUrlKeys: keys, powerbankBornholmZone: 'DK3' } });
    const envs = synth.application.api.stacks.flatMap((stack) =>
      Object.values(resources(synth.template(stack), 'AWS::Lambda::Function')).map((f) => ((f.Properties!.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {})),
    );
    expect(envs.length).toBeGreaterThan(10);
    for (const variables of envs) {
      expect(variables.OCPP16_BACKOFFICE_URL_KEYS).toBe(keys);
      expect(variables.POWERBANK_BORNHOLM_ZONE).toBe('DK3');
    }
    const plain = synthesize({ env: TEST_ENV });
    const plainEnv = Object.values(resources(plain.template(plain.application.api.stacks[0]!), 'AWS::Lambda::Function'))[0]!.Properties!.Environment as { Variables: Record<string, unknown> };
    expect(plainEnv.Variables).not.toHaveProperty('OCPP16_BACKOFFICE_URL_KEYS');
    expect(() => synthesize({ env: TEST_ENV, context: { ocpp16BackofficeUrlKeys: '{"KeyVendor/KV1": 3}' } })).toThrow(/ocpp16BackofficeUrlKeys must be a JSON object/);
    expect(() => synthesize({ env: TEST_ENV, context: { ocpp16BackofficeUrlKeys: 'not json' } })).toThrow(/ocpp16BackofficeUrlKeys must be a JSON object/);
    expect(() => synthesize({ env: TEST_ENV, context: { powerbankBornholmZone: 'DK4' } })).toThrow(/powerbankBornholmZone must be DK2 or DK3/);
  });

  it('passes a heartbeat interval the deployment chose (heartbeatSeconds) to the functions, and refuses one out of bounds', () => {
    for (const given of ['900', 900]) {
      const synth = synthesize({ env: TEST_ENV, context: { heartbeatSeconds: given } });
      const envs = synth.application.api.stacks.flatMap((stack) =>
        Object.values(resources(synth.template(stack), 'AWS::Lambda::Function')).map((f) => ((f.Properties!.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {})),
      );
      expect(envs.length).toBeGreaterThan(10);
      for (const variables of envs) expect(variables.HEARTBEAT_INTERVAL_SECONDS).toBe('900');
    }
    const plain = synthesize({ env: TEST_ENV });
    const plainEnv = Object.values(resources(plain.template(plain.application.api.stacks[0]!), 'AWS::Lambda::Function'))[0]!.Properties!.Environment as { Variables: Record<string, unknown> };
    expect(plainEnv.Variables).not.toHaveProperty('HEARTBEAT_INTERVAL_SECONDS');
    for (const bad of ['abc', '30', '86401', '600.5', 0]) {
      expect(() => synthesize({ env: TEST_ENV, context: { heartbeatSeconds: bad } })).toThrow(/heartbeatSeconds must be a whole number of seconds from 60 to 86400/);
    }
  });

  it('exports the same values with and without custom domains and a signing secret, so adding them later deploys', () => {
    const plain = exportsOf(synthesize({ env: TEST_ENV, context: REQUIRED_CONTEXT }));
    const full = exportsOf(synthesize({ env: TEST_ENV, context: FULL_CONTEXT }));
    expect(Object.keys(plain).length).toBeGreaterThan(5);
    expect(full).toEqual(plain);
  });

  it('gives a second copy (stackPrefix) no physical name in common with the first', () => {
    const a = physicalNames(synthesize({ env: TEST_ENV }));
    const b = physicalNames(synthesize({ env: TEST_ENV, context: { stackPrefix: 'Staging' } }));
    expect(a.length).toBeGreaterThan(5);
    expect(a.filter((n) => b.includes(n))).toEqual([]);
  });

  it('passes cfn-lint with zero errors on every template, in both configurations', () => {
    const lint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
    if (lint.error) {
      throw new Error('cfn-lint is not installed: CI must have it (.ci/run installs it with pip; locally: pip install cfn-lint)');
    }
    for (const context of [REQUIRED_CONTEXT, FULL_CONTEXT]) {
      const synth = synthesize({ env: TEST_ENV, context });
      const files = readdirSync(synth.app.outdir).filter((f) => f.endsWith('.template.json')).map((f) => join(synth.app.outdir, f));
      expect(files).toHaveLength(STACKS.length + synth.application.api.stacks.length);
      // Errors only (-x: no warnings/informational); W3005 "dependency already enforced" is CDK's style, not a fault.
      const run = spawnSync('cfn-lint', ['--format', 'parseable', '--ignore-checks', 'W', 'I', '--', ...files], { encoding: 'utf8' });
      expect(run.stdout.trim(), run.stderr).toBe('');
      expect(run.status).toBe(0);
    }
  }, 300_000); // two synths and cfn-lint over 20 templates: 40 s alone, about three minutes on a busy 2-core machine
});

