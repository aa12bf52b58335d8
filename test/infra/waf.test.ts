// The WAF web ACL of the OCPP distribution (issue #12): in us-east-1, rate-based per IP, logged
// without the chargers' Basic auth, and attached to the distribution in the deploy region.
import { describe, expect, it } from 'vitest';
import { OCPP_UPGRADES_PER_IP_PER_5_MIN } from '../../infra/stacks/edge-waf-stack';
import { resources, synthesize, TEST_ENV } from './support/synth';

describe('WAF web ACL in front of CloudFront', () => {
  const synth = synthesize({ env: TEST_ENV });
  const waf = synth.application.edgeWaf!;

  it('lives in us-east-1 with CloudFront scope and a per-IP rate-based blocking rule', () => {
    expect(waf.region).toBe('us-east-1');
    const acls = Object.values(resources(synth.template(waf), 'AWS::WAFv2::WebACL'));
    expect(acls).toHaveLength(1);
    const props = acls[0]!.Properties! as { Scope: string; Rules: Array<{ Name: string; Action?: unknown; Statement: Record<string, unknown> }> };
    expect(props.Scope).toBe('CLOUDFRONT');
    expect(props.Rules).toContainEqual(
      expect.objectContaining({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: OCPP_UPGRADES_PER_IP_PER_5_MIN, EvaluationWindowSec: 300, AggregateKeyType: 'IP' } } }),
    );
  });

  it('logs to an aws-waf-logs-* group with the Authorization header redacted', () => {
    const configs = Object.values(resources(synth.template(waf), 'AWS::WAFv2::LoggingConfiguration'));
    expect(configs).toHaveLength(1);
    expect(configs[0]!.Properties!.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }]);
    expect(JSON.stringify(configs[0]!.Properties!.LogDestinationConfigs)).toContain('aws-waf-logs-');
  });

  it('is attached to the OCPP distribution in the deploy region', () => {
    expect(synth.application.edge.region).toBe(TEST_ENV.region);
    const distribution = Object.values(resources(synth.template(synth.application.edge), 'AWS::CloudFront::Distribution'))[0]!;
    const config = distribution.Properties!.DistributionConfig as { WebACLId?: unknown };
    expect(config.WebACLId).toBeDefined();
    expect(JSON.stringify(config.WebACLId)).toMatch(/OcppWebAcl/);
  });

  it('is left out, and said so on the distribution, when synthesized without an account and region', () => {
    const agnostic = synthesize();
    expect(agnostic.application.edgeWaf).toBeUndefined();
    const distribution = Object.values(resources(agnostic.template(agnostic.application.edge), 'AWS::CloudFront::Distribution'))[0]!;
    expect((distribution.Properties!.DistributionConfig as { WebACLId?: unknown }).WebACLId).toBeUndefined();
  });
});
