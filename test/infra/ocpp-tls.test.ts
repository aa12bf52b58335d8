// TLS of the OCPP endpoint for security profile 2 (issue #11 item 6; conformance cases TC_A_06_CSMS and
// TC16_A_04_CSMS, and TC_A_04_CSMS with -c ocppTlsFront=true, docs/conformance.md "TLS"): on a custom domain the
// distribution uses the CloudFront security policy that allows no TLS below 1.2 and still offers the cipher
// suites OCPP requires of the CSMS. Which pair CloudFront serves depends on its one certificate (RSA: the
// TLS_RSA pair; infra/stacks/edge-stack.ts says why); the optional TLS front (infra/constructs/ocpp-tls-front.ts)
// serves both pairs on the one hostname from a load balancer listener with an RSA and an ECDSA certificate.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OCPP_TLS_FRONT_PROXY_PORT, OCPP_TLS_FRONT_SSL_POLICY } from '../../infra/constructs/ocpp-tls-front';
import { OCPP_VIEWER_SECURITY_POLICY } from '../../infra/stacks/edge-stack';
import { FULL_CONTEXT, resources, synthesize, type Synthesized } from './support/synth';

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

/**
 * Elastic Load Balancing security policies with no protocol below TLS 1.2, and the TLS 1.2 suites each offers
 * (Elastic Load Balancing, "Security policies for your Network Load Balancer", TLS 1.2 cipher table).
 */
const ELB_TLS12_POLICIES: Record<string, { protocols: readonly string[]; suites: readonly string[] }> = {
  'ELBSecurityPolicy-TLS13-1-2-2021-06': {
    protocols: ['TLSv1.2', 'TLSv1.3'],
    suites: [
      'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA256',
      'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA384',
      'AES128-GCM-SHA256', 'AES128-SHA256', 'AES256-GCM-SHA384', 'AES256-SHA256',
    ],
  },
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06': {
    protocols: ['TLSv1.2', 'TLSv1.3'],
    suites: ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  },
  'ELBSecurityPolicy-FS-1-2-Res-2020-10': {
    protocols: ['TLSv1.2'],
    suites: ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  },
};

const FRONT_CONTEXT = { ocppDomainName: FULL_CONTEXT.ocppDomainName, ocppCertificateArn: FULL_CONTEXT.ocppCertificateArn, ocppTlsFront: 'true' } as const;
const REGIONAL_RSA_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/aaaaaaaa-1111-2222-3333-444444444444';
const REGIONAL_ECDSA_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/bbbbbbbb-1111-2222-3333-444444444444';

type Props = Record<string, unknown>;
const only = (synth: Synthesized, type: string): Props[] => Object.values(resources(synth.template(synth.application.edge), type)).map((r) => r.Properties ?? {});

describe('OCPP TLS front (-c ocppTlsFront=true): both certificate types on one endpoint (TC_A_04_CSMS)', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize({ context: FRONT_CONTEXT });
  }, 120_000);

  it('the listener policy offers TLS 1.2 or higher only and every suite OCPP requires of the CSMS; the restricted policies would not', () => {
    const policy = ELB_TLS12_POLICIES[OCPP_TLS_FRONT_SSL_POLICY]!;
    expect(policy.protocols).toEqual(['TLSv1.2', 'TLSv1.3']);
    const fit = Object.entries(ELB_TLS12_POLICIES).filter(([, p]) => OCPP_CSMS_SUITES.every((s) => p.suites.includes(s))).map(([name]) => name);
    expect(fit).toEqual([OCPP_TLS_FRONT_SSL_POLICY]);
  });

  it('has one NLB TLS listener on 443 with that policy, an RSA default certificate and both certificates in its list', () => {
    const [listener, ...more] = only(synth, 'AWS::ElasticLoadBalancingV2::Listener');
    expect(more).toEqual([]);
    expect(listener).toMatchObject({ Port: 443, Protocol: 'TLS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
    const [nlb] = only(synth, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(nlb).toMatchObject({ Type: 'network', Scheme: 'internet-facing' });

    const certificates = resources(synth.template(synth.application.edge), 'AWS::CertificateManager::Certificate');
    const byKey = Object.fromEntries(Object.entries(certificates).map(([id, r]) => [r.Properties!.KeyAlgorithm as string, { id, props: r.Properties! }]));
    expect(Object.keys(byKey).sort()).toEqual(['EC_prime256v1', 'RSA_2048']);
    for (const { props } of Object.values(byKey)) expect(props).toMatchObject({ DomainName: FULL_CONTEXT.ocppDomainName, ValidationMethod: 'DNS' });
    expect(listener!.Certificates).toEqual([{ CertificateArn: { Ref: byKey.RSA_2048!.id } }]);
    const listed = only(synth, 'AWS::ElasticLoadBalancingV2::ListenerCertificate').flatMap((c) => c.Certificates as unknown[]);
    expect(listed).toEqual(expect.arrayContaining([{ CertificateArn: { Ref: byKey.RSA_2048!.id } }, { CertificateArn: { Ref: byKey.EC_prime256v1!.id } }]));
    expect(listed).toHaveLength(2);
  });

  it('forwards to the nginx proxy port with proxy protocol, and nginx upgrades to the distribution with SNI and the client address', () => {
    const [group] = only(synth, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(group).toMatchObject({ Port: OCPP_TLS_FRONT_PROXY_PORT, Protocol: 'TCP', TargetType: 'ip' });
    expect(group!.TargetGroupAttributes).toContainEqual({ Key: 'proxy_protocol_v2.enabled', Value: 'true' });
    const [service] = only(synth, 'AWS::ECS::Service');
    expect(service!.LoadBalancers).toEqual([expect.objectContaining({ ContainerPort: OCPP_TLS_FRONT_PROXY_PORT })]);
    expect(service!.DesiredCount).toBe(2);

    const [task] = only(synth, 'AWS::ECS::TaskDefinition');
    const env = (task!.ContainerDefinitions as Array<{ Environment: Array<{ Name: string; Value: { 'Fn::Join': [string, unknown[]] } }> }>)[0]!.Environment;
    const conf = env.find((e) => e.Name === 'NGINX_CONF')!.Value['Fn::Join'][1];
    const distributionId = Object.keys(resources(synth.template(synth.application.edge), 'AWS::CloudFront::Distribution'))[0]!;
    expect(conf).toContainEqual({ 'Fn::GetAtt': [distributionId, 'DomainName'] });
    const text = conf.filter((p) => typeof p === 'string').join('');
    for (const line of [
      `listen ${OCPP_TLS_FRONT_PROXY_PORT} proxy_protocol;`,
      'proxy_pass https://$cloudfront;',
      'proxy_set_header Host $cloudfront;',
      'proxy_set_header Upgrade $http_upgrade;',
      'proxy_set_header Connection $connection_upgrade;',
      'proxy_set_header X-Forwarded-For $proxy_protocol_addr;',
      'proxy_ssl_server_name on;',
      'proxy_ssl_name $cloudfront;',
      'proxy_ssl_verify on;',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('lets the proxy be reached from the NLB only, and tells the operator where to point the OCPP domain', () => {
    const ingress = only(synth, 'AWS::EC2::SecurityGroupIngress');
    expect(ingress).toEqual([expect.objectContaining({ FromPort: OCPP_TLS_FRONT_PROXY_PORT, ToPort: OCPP_TLS_FRONT_PROXY_PORT, SourceSecurityGroupId: expect.anything() })]);
    const outputs = synth.template(synth.application.edge).toJSON().Outputs as Record<string, { Description: string }>;
    expect(outputs.OcppTlsFrontDnsName!.Description).toContain(`Point ${FULL_CONTEXT.ocppDomainName}`);
  });

  it('passes cfn-lint with zero errors on the Edge template', () => {
    const lint = spawnSync('cfn-lint', ['--format', 'parseable', '--ignore-checks', 'W', 'I', '--', join(synth.app.outdir, `${synth.application.edge.artifactId}.template.json`)], { encoding: 'utf8' });
    if (lint.error) throw new Error('cfn-lint is not installed (pip install cfn-lint)');
    expect(lint.stdout.trim(), lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('serves certificates given by ARN, both of them', () => {
    const byArn = synthesize({ context: { ...FRONT_CONTEXT, ocppTlsFrontRsaCertificateArn: REGIONAL_RSA_ARN, ocppTlsFrontEcdsaCertificateArn: REGIONAL_ECDSA_ARN } });
    expect(only(byArn, 'AWS::CertificateManager::Certificate')).toEqual([]);
    expect(only(byArn, 'AWS::ElasticLoadBalancingV2::Listener')[0]!.Certificates).toEqual([{ CertificateArn: REGIONAL_RSA_ARN }]);
    const listed = only(byArn, 'AWS::ElasticLoadBalancingV2::ListenerCertificate').flatMap((c) => c.Certificates as unknown[]);
    expect(listed).toEqual([{ CertificateArn: REGIONAL_RSA_ARN }, { CertificateArn: REGIONAL_ECDSA_ARN }]);
  }, 120_000);

  it('refuses to synthesize with only the RSA certificate ARN, naming the missing ECDSA one', () => {
    expect(() => synthesize({ context: { ...FRONT_CONTEXT, ocppTlsFrontRsaCertificateArn: REGIONAL_RSA_ARN } })).toThrow(/ocppTlsFrontEcdsaCertificateArn is missing/);
  });

  it('refuses to synthesize without the OCPP custom domain', () => {
    expect(() => synthesize({ context: { ocppTlsFront: 'true' } })).toThrow(/ocppTlsFront needs the OCPP custom domain/);
  });

  it('is not built without the option', () => {
    const plain = synthesize({ context: { ocppDomainName: FULL_CONTEXT.ocppDomainName, ocppCertificateArn: FULL_CONTEXT.ocppCertificateArn } });
    expect(only(plain, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toEqual([]);
  }, 120_000);
});
