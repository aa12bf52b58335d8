// cdk-nag (v3) acknowledgements: every one names its rule, sits on the narrowest construct that
// needs it, and says why. cdk-nag matches acknowledgements by exact finding id.
import { Validations } from 'aws-cdk-lib';
import type { CfnPolicy, Policy } from 'aws-cdk-lib/aws-iam';
import { rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Acknowledges AwsSolutions rule `rule` (e.g. `S1`, `IAM5[Action::s3:List*]`) on `scope` and below. */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
}

/** `arn:<partition>:<service>:<region>:<account>:` as cdk-nag prints it, for env-agnostic and env-specific stacks. */
const arn = (service: string) => `^Resource::arn:(<AWS::Partition>|aws[a-z-]*):${service}:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|\\d{12}):`;

/**
 * The wildcards a function's grants may produce, each with its reason. A wildcard matching none of
 * these stays a finding and fails synth: widen this list only with a reason that holds.
 */
export const FUNCTION_WILDCARD_REASONS: ReadonlyArray<{ readonly finding: RegExp; readonly reason: string }> = [
  {
    finding: new RegExp(`${arn('dynamodb')}table/[^/*]+/index/\\*$`),
    reason: "The single table's GSIs (lib/db/table.ts): grantReadData/grantReadWriteData name them <table>/index/*; no other table is reachable",
  },
  {
    finding: /^Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort|PutObject)\*$/,
    reason: 'Action groups of Bucket.grantRead/grantReadWrite, limited to the certificate bucket and its objects',
  },
  {
    finding: /^Resource::arn:(<AWS::Partition>|aws[a-z-]*):s3:::[^/*]+\/\*$/,
    reason: 'Objects of the certificate bucket: keys are per project and charge point and only known at runtime',
  },
  {
    finding: new RegExp(`${arn('execute-api')}[^/*]+/[^/*]+/(POST|DELETE)/@connections/\\*$`),
    reason: 'postToConnection/deleteConnection on this WebSocket API stage only; connection ids exist only at runtime',
  },
];

/** Acknowledges the IAM5 findings of `policy` that FUNCTION_WILDCARD_REASONS explains; call after the last grant. */
export function acknowledgeFunctionWildcards(policy: Policy): void {
  const findings = rules.iam.IAMNoWildcardPermissions(policy.node.defaultChild as CfnPolicy);
  if (!Array.isArray(findings)) return;
  for (const finding of findings) {
    const known = FUNCTION_WILDCARD_REASONS.find((w) => w.finding.test(finding));
    if (known) acknowledge(policy, `IAM5[${finding}]`, known.reason);
  }
}
