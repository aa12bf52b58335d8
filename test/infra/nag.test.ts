// cdk-nag AwsSolutions runs inside synth (infra/application.ts registers it). Synth must pass with
// zero unacknowledged findings, errors and warnings alike, and every acknowledgement carries a reason.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { FULL_CONTEXT, type SynthOptions, synthesize, TEST_ENV } from './support/synth';

function findings(app: IConstruct): string[] {
  return new AwsSolutionsChecks().validateScope(app).violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath ?? '?'}: ${v.description}`),
  );
}

function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('passes a synth as `cdk synth` runs it (CloudFormation validation on), with no findings left', () => {
    // Prepare: the app exactly as infra/app.ts builds it, nothing configured.
    // Act: synthesize (throws on any error-level finding) and re-run the pack for warnings too.
    const synth = synthesize({ cloudFormationValidation: true });
    const report = JSON.parse(readFileSync(join(synth.app.outdir, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
    // Assess
    expect(report.pluginReports).toEqual([]);
    expect(findings(synth.app)).toEqual([]);
  });

  it.each<{ name: string; options: SynthOptions }>([
    { name: 'account and region known, every context option set', options: { env: TEST_ENV, context: FULL_CONTEXT } },
    { name: 'security profile 1 chargers allowed (ws://)', options: { context: { allowUnencryptedOcpp: 'true' } } },
    { name: 'the OCPP TLS front is on (NLB, nginx on Fargate)', options: { env: TEST_ENV, context: { ...FULL_CONTEXT, ocppTlsFront: 'true' } } },
  ])('has no findings left when $name', ({ options }) => {
    const synth = synthesize(options);
    expect(findings(synth.app)).toEqual([]);
  });

  it('gives every acknowledgement a written reason', () => {
    const synth = synthesize();
    const acks = acknowledgements(synth.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/AwsSolutions-[A-Z]+\d+/);
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(40);
    }
  });

  it('acknowledges wildcards narrowly: a grant outside the known list stays a finding', async () => {
    // Prepare: a function role with a wildcard no reason covers.
    const { App, Stack } = await import('aws-cdk-lib');
    const { Policy, PolicyStatement, Role, ServicePrincipal } = await import('aws-cdk-lib/aws-iam');
    const { acknowledgeFunctionWildcards } = await import('../../infra/nag');
    const app = new App();
    const stack = new Stack(app, 'Probe');
    const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const policy = new Policy(stack, 'Policy', { roles: [role], statements: [new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] })] });
    // Act
    acknowledgeFunctionWildcards(policy);
    // Assess
    expect(findings(app).filter((f) => f.includes('IAM5'))).toHaveLength(2);
  });
});
