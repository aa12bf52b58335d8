// The optional TLS front of the OCPP endpoint (`-c ocppTlsFront=true`; issue #11 item 6, TC_A_04_CSMS).
//
// Why it exists: OCPP 2.0.1 Part 2 A00.FR.318 (1.6 security whitepaper A00.FR.317) wants the CSMS to offer
// TLS_ECDHE_ECDSA_WITH_AES_128/256_GCM and TLS_RSA_WITH_AES_128/256_GCM, and TC_A_04_CSMS validates all four on
// one endpoint. The ECDHE_ECDSA suites need an ECDSA certificate and the TLS_RSA suites an RSA one, and a
// CloudFront distribution serves exactly one certificate (infra/stacks/edge-stack.ts, OCPP_VIEWER_SECURITY_POLICY).
// An Elastic Load Balancing TLS listener holds several: "If a hostname provided by a client matches multiple
// certificates in the certificate list, the load balancer uses a smart selection algorithm to select the best
// certificate that the client can support" (Elastic Load Balancing, Network Load Balancers, "Server certificates
// for your Network Load Balancer", Certificate list), i.e. from the ClientHello's suites and signature algorithms.
//
// Shape: charger ──TLS (RSA or ECDSA cert)──► NLB :443 ──TCP + proxy protocol v2──► nginx (Fargate) :8080
//        ──HTTPS, SNI = the distribution's *.cloudfront.net name──► the existing CloudFront distribution ──► API Gateway.
// nginx forwards to CloudFront rather than to execute-api so that the /ocpp/{identity} rewrite, the 401
// challenge and the X-Origin-Verify secret stay in one place (the distribution and its functions) and the WAF
// still sees every upgrade. Why a proxy at all: an NLB/ALB can only target instances, IPs, Lambda or an ALB,
// none of which is CloudFront, and Lambda targets cannot hold a WebSocket. Why an NLB and not an ALB: the
// proxy speaks HTTP anyway, the NLB passes bytes and keeps the client address in proxy protocol; the TLS
// policies and certificate selection are the same on both.
//
// Cost (us-east-1 on-demand list prices, checked when written; other regions differ by a few percent):
// NLB $0.0225/h ≈ $16.4/month + NLCU $0.006/h each (a TLS NLCU is 3,000 active or 50 new connections/s,
// so up to ~3,000 chargers ≈ 1 NLCU ≈ $4.4/month); two Fargate tasks, 0.25 vCPU / 0.5 GB arm64, ≈ $7.2/month
// each; four public IPv4 addresses (two tasks, two NLB nodes) at $0.005/h ≈ $14.6/month. About $50 a month
// in all, on top of the CloudFront and API Gateway usage that stays as it is. No NAT gateway (the tasks sit in
// public subnets behind a security group that admits only the NLB), which would add ~$33/month per AZ.
//
// Limits it brings: the NLB's TLS idle timeout is 350 s, above the 300 s HeartbeatInterval (DESIGN.md §2.5).
// CloudFront now sees the proxy tasks as the viewers, so the WAF's per-IP rate rule (edge-waf-stack.ts) counts
// the two task addresses, not chargers: nginx applies the same per-client limit on the proxy-protocol address,
// and the WAF rule caps upgrades through each task at OCPP_UPGRADES_PER_IP_PER_5_MIN per 5 minutes (steady
// state ≈ a fleet of 14,000 chargers reconnecting every 2 h; a mass reconnect after an outage is spread over
// a few windows by the chargers' retry back-off).
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, KeyAlgorithm } from 'aws-cdk-lib/aws-certificatemanager';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Peer, Port, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster, ContainerImage, CpuArchitecture, FargateService, FargateTaskDefinition, LogDrivers, OperatingSystemFamily } from 'aws-cdk-lib/aws-ecs';
import { ListenerCertificate, NetworkLoadBalancer, Protocol, SslPolicy } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { OCPP_UPGRADES_PER_IP_PER_5_MIN } from '../stacks/edge-waf-stack';

/**
 * The listener's ELB security policy. Of the AWS policies with no protocol below TLS 1.2, this is the one
 * AWS recommends (TLS 1.3 and 1.2) that still offers the two TLS_RSA GCM suites (AES128-GCM-SHA256,
 * AES256-GCM-SHA384) next to the ECDHE_ECDSA GCM pair; the "-Res-" variant and the FS-* policies drop the
 * TLS_RSA suites (Elastic Load Balancing, "Security policies for your Network Load Balancer", TLS 1.2 cipher
 * table). Its other TLS 1.2 suites (ECDHE with AES-GCM or CBC-SHA256/384, AES-CBC-SHA256) use no primitive
 * A00.FR.319 excludes. test/infra/ocpp-tls.test.ts holds the table this rests on.
 */
export const OCPP_TLS_FRONT_SSL_POLICY = SslPolicy.RECOMMENDED_TLS;

/** The port nginx listens on (proxy protocol v2 from the NLB). */
export const OCPP_TLS_FRONT_PROXY_PORT = 8080;

/** The Docker Official Image of nginx, from its ECR Public mirror (no Docker Hub pull limits). */
export const OCPP_TLS_FRONT_IMAGE = 'public.ecr.aws/docker/library/nginx:1.27-alpine';

/** Amazon-provided DNS in every VPC: nginx re-resolves CloudFront's changing addresses through it. */
const VPC_DNS = '169.254.169.253';

export interface OcppTlsFrontProps {
  /** The OCPP custom domain both certificates cover. */
  readonly domainName: string;
  /** The distribution's own `*.cloudfront.net` name: nginx's upstream, SNI and Host. */
  readonly distributionDomainName: string;
  /** RSA and ECDSA certificates in the stack's region. @default - both requested from ACM, DNS-validated */
  readonly certificateArns?: { readonly rsa: string; readonly ecdsa: string };
  readonly alarmAction: SnsAction;
}

/** nginx.conf: WebSocket upgrade to CloudFront, client address from proxy protocol, per-client upgrade limit. */
export function ocppTlsFrontNginxConf(distributionDomainName: string): string {
  const perSecond = Math.max(1, Math.round(OCPP_UPGRADES_PER_IP_PER_5_MIN / 300));
  return [
    'worker_processes auto;',
    'pid /tmp/nginx.pid;',
    'error_log /dev/stderr warn;',
    'events { worker_connections 8192; }',
    'http {',
    '  server_tokens off;',
    // No headers in the log: chargers send Basic credentials (OCPP security profile 2).
    "  log_format ocpp '$proxy_protocol_addr [$time_local] \"$request_method $uri\" $status $request_time';",
    '  access_log /dev/stdout ocpp;',
    `  resolver ${VPC_DNS} valid=30s ipv6=off;`,
    // The WAF's per-IP rule sees this proxy, not the charger: the same limit per charger address here.
    `  limit_req_zone $proxy_protocol_addr zone=upgrades:10m rate=${perSecond}r/s;`,
    '  limit_req_status 429;',
    '  map $http_upgrade $connection_upgrade { default upgrade; \'\' close; }',
    '  server {',
    `    listen ${OCPP_TLS_FRONT_PROXY_PORT} proxy_protocol;`,
    '    location / {',
    `      limit_req zone=upgrades burst=${OCPP_UPGRADES_PER_IP_PER_5_MIN} nodelay;`,
    // A variable upstream makes nginx resolve per request (CloudFront's addresses change).
    `      set $cloudfront ${distributionDomainName};`,
    '      proxy_pass https://$cloudfront;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Host $cloudfront;',
    '      proxy_set_header Upgrade $http_upgrade;',
    '      proxy_set_header Connection $connection_upgrade;',
    // The charger's address (from the NLB), replacing whatever the client claimed; CloudFront appends ours.
    '      proxy_set_header X-Forwarded-For $proxy_protocol_addr;',
    '      proxy_ssl_server_name on;',
    '      proxy_ssl_name $cloudfront;',
    '      proxy_ssl_protocols TLSv1.2 TLSv1.3;',
    '      proxy_ssl_verify on;',
    '      proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;',
    // API Gateway ends a connection after 2 h (DESIGN.md §2.5); the proxy never ends one first.
    '      proxy_read_timeout 7200s;',
    '      proxy_send_timeout 7200s;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

export class OcppTlsFront extends Construct {
  readonly loadBalancer: NetworkLoadBalancer;

  constructor(scope: Construct, id: string, props: OcppTlsFrontProps) {
    super(scope, id);

    // Public subnets only, no NAT gateway (cost, above); the default security group is left as created
    // (nothing uses it) rather than restricted by CDK's custom-resource Lambda.
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC }],
    });
    acknowledge(vpc, 'VPC7', 'The VPC holds only the OCPP TLS proxy tasks; every connection through them is in the nginx access log (client address from proxy protocol) and in the CloudFront logs, so flow logs would record the same connections again');

    const nlbSecurityGroup = new SecurityGroup(this, 'LoadBalancerSecurityGroup', { vpc, allowAllOutbound: false, description: 'OCPP TLS front: wss from chargers anywhere' });
    nlbSecurityGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(443), 'OCPP wss from charge points');
    acknowledge(nlbSecurityGroup, 'EC23', 'Charge points are installed wherever customers are; the endpoint only answers /ocpp/{identity} with a registered identity and valid Basic auth (the distribution behind checks both)');
    const proxySecurityGroup = new SecurityGroup(this, 'ProxySecurityGroup', { vpc, allowAllOutbound: false, description: 'OCPP TLS front: nginx, reachable from the NLB only' });
    proxySecurityGroup.addIngressRule(nlbSecurityGroup, Port.tcp(OCPP_TLS_FRONT_PROXY_PORT), 'From the NLB');
    nlbSecurityGroup.addEgressRule(proxySecurityGroup, Port.tcp(OCPP_TLS_FRONT_PROXY_PORT), 'To nginx');
    // CloudFront's and ECR Public's addresses are not a fixed list a security group can name.
    proxySecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to the CloudFront distribution and the image registry');

    this.loadBalancer = new NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      crossZoneEnabled: true,
      securityGroups: [nlbSecurityGroup],
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
    });
    acknowledge(
      this.loadBalancer,
      'ELB2',
      'NLB access logs need a delivery policy on the access-log bucket of the Data stack; nginx logs every upgrade with the client address (proxy protocol) and status, and CloudFront logs it again',
    );

    const certificates = props.certificateArns
      ? [ListenerCertificate.fromArn(props.certificateArns.rsa), ListenerCertificate.fromArn(props.certificateArns.ecdsa)]
      : [KeyAlgorithm.RSA_2048, KeyAlgorithm.EC_PRIME256V1].map((keyAlgorithm) =>
          ListenerCertificate.fromCertificateManager(
            new Certificate(this, keyAlgorithm === KeyAlgorithm.RSA_2048 ? 'RsaCertificate' : 'EcdsaCertificate', {
              domainName: props.domainName,
              keyAlgorithm,
              // Without a hosted zone: the deploy waits until the CNAME ACM asks for (shown in the stack events
              // and the ACM console) exists in the domain's DNS (docs/deploy.md).
              validation: CertificateValidation.fromDns(),
            }),
          ),
        );
    const listener = this.loadBalancer.addListener('Tls', {
      port: 443,
      protocol: Protocol.TLS,
      sslPolicy: OCPP_TLS_FRONT_SSL_POLICY,
      // The first is the default (RSA: clients without SNI); both also go in the certificate list, the set
      // the smart selection chooses from for a matching SNI name.
      certificates: [certificates[0]!],
    });
    listener.addCertificates('CertificateList', certificates);

    const logGroup = new LogGroup(this, 'ProxyLogs', { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    const taskDefinition = new FargateTaskDefinition(this, 'ProxyTask', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    taskDefinition.addContainer('nginx', {
      image: ContainerImage.fromRegistry(OCPP_TLS_FRONT_IMAGE),
      // The image's entrypoint runs a non-nginx command as given: write the config, then run nginx.
      command: ['/bin/sh', '-c', 'printf "%s" "$NGINX_CONF" > /etc/nginx/nginx.conf && exec nginx -g "daemon off;"'],
      environment: { NGINX_CONF: ocppTlsFrontNginxConf(props.distributionDomainName) },
      portMappings: [{ containerPort: OCPP_TLS_FRONT_PROXY_PORT }],
      logging: LogDrivers.awsLogs({ streamPrefix: 'nginx', logGroup }),
    });
    acknowledge(taskDefinition, 'ECS2', 'The one environment variable is the nginx configuration (the distribution host name and proxy settings): nothing secret, and no image is built to carry it');

    const cluster = new Cluster(this, 'Cluster', { vpc });
    acknowledge(cluster, 'ECS4', 'Two identical nginx tasks: the NLB target-group health alarm below and the nginx log say what Container Insights would, without its per-metric cost');
    const service = new FargateService(this, 'ProxyService', {
      cluster,
      taskDefinition,
      desiredCount: 2,
      minHealthyPercent: 100,
      assignPublicIp: true,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      securityGroups: [proxySecurityGroup],
      circuitBreaker: { rollback: true },
    });
    const targets = listener.addTargets('Proxy', {
      port: OCPP_TLS_FRONT_PROXY_PORT,
      protocol: Protocol.TCP,
      proxyProtocolV2: true,
      targets: [service],
      // Charge points hold their WebSocket open for hours; a replaced task gets a minute to see them off.
      deregistrationDelay: Duration.seconds(60),
    });

    targets
      .metrics.healthyHostCount({ statistic: 'Minimum', period: Duration.minutes(5) })
      .createAlarm(this, 'ProxyHealthyAlarm', {
        alarmDescription: 'OCPP TLS front: fewer than one healthy nginx task behind the NLB',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.BREACHING,
      })
      .addAlarmAction(props.alarmAction);

    new CfnOutput(Stack.of(this), 'OcppTlsFrontDnsName', {
      value: this.loadBalancer.loadBalancerDnsName,
      description: `Point ${props.domainName} (CNAME, or alias A/AAAA in Route 53) here: the TLS front with the RSA and ECDSA certificates`,
    });
  }
}
