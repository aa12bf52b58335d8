// TLS of the OCPP endpoint for security profile 2 (issue #11 item 6; conformance cases TC_A_06_CSMS and
// TC16_A_04_CSMS, and what can be met of TC_A_04_CSMS, docs/conformance.md "TLS"): on a custom domain the
// distribution uses the CloudFront security policy that allows no TLS below 1.2 and still offers the cipher
// suites OCPP requires of the CSMS. Which pair is served depends on the one certificate (RSA: the TLS_RSA
// pair; infra/stacks/edge-stack.ts says why the ECDSA pair is not served too).
import { describe, expect, it } from 'vitest';
import { OCPP_VIEWER_SECURITY_POLICY } from '../../infra/stacks/edge-stack';
import { FULL_CONTEXT, resources, synthesize } from './support/synth';

/** OCPP 2.0.1 A00 (TC_A_04_CSMS tool validation) and 1.6 security whitepaper A00.FR.317, as OpenSSL names. */
const OCPP_CSMS_SUITES = ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384'];

/**
 * CloudFront viewer security policies with no protocol below TLS 1.2, and the TLS 1.2 suites each offers
 * (AWS CloudFront Developer Guide, "Supported protocols and ciphers between viewers and CloudFront").
 */
const CLOUDFRONT_TLS12_POLICIES: Record<string, readonly string[]> = {
  'TLSv1.2_2018': [
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES256-SHA384',
    'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-RSA-AES256-SHA384',
    'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA256',
  ],
  'TLSv1.2_2019': [
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES256-SHA384',
    'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-RSA-AES256-SHA384',
  ],
  'TLSv1.2_2021': ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305'],
  'TLSv1.2_2025': ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384'],
  'TLSv1.3_2025': [],
};

describe('OCPP endpoint TLS (security profile 2)', () => {
  it('the chosen policy is the only TLS-1.2-minimum CloudFront policy that offers every suite OCPP requires of the CSMS', () => {
    const fit = Object.entries(CLOUDFRONT_TLS12_POLICIES)
      .filter(([, suites]) => OCPP_CSMS_SUITES.every((s) => suites.includes(s)))
      .map(([name]) => name);
    expect(fit).toEqual([OCPP_VIEWER_SECURITY_POLICY]);
  });

  it('a custom domain gets that policy, its certificate and SNI, and HTTPS only', () => {
    const synth = synthesize({ context: { ocppDomainName: FULL_CONTEXT.ocppDomainName, ocppCertificateArn: FULL_CONTEXT.ocppCertificateArn } });
    const distributions = Object.values(resources(synth.template(synth.application.edge), 'AWS::CloudFront::Distribution'));
    expect(distributions).toHaveLength(1);
    const config = distributions[0]!.Properties!.DistributionConfig as { Aliases: string[]; ViewerCertificate: Record<string, unknown>; DefaultCacheBehavior: { ViewerProtocolPolicy: string } };
    expect(config.Aliases).toEqual([FULL_CONTEXT.ocppDomainName]);
    expect(config.ViewerCertificate).toEqual({ AcmCertificateArn: FULL_CONTEXT.ocppCertificateArn, MinimumProtocolVersion: 'TLSv1.2_2018', SslSupportMethod: 'sni-only' });
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('https-only');
  });
});
