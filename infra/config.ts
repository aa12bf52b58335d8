// Deployment settings, read once from CDK context (`cdk deploy -c key=value`, or cdk.context.json).
// All but senderEmail are optional; docs/deploy.md lists them.
import type { Construct } from 'constructs';
import { parseUrlKeys } from '../lib/domain/backoffice-url-keys';
import { HEARTBEAT_BOUNDS_SECONDS } from '../lib/ocpp/heartbeat';

export interface DeployConfig {
  /** Prefix of every stack name, so two copies (say staging and production) can share an account. @default 'Commissioning' */
  readonly stackPrefix: string;
  /** Custom domain for the OCPP endpoint, e.g. `ocpp.example.com`. @default - the CloudFront domain */
  readonly ocppDomainName?: string;
  /** ACM certificate covering `ocppDomainName`, in us-east-1 (CloudFront). Required with `ocppDomainName`. */
  readonly ocppCertificateArn?: string;
  /**
   * Put a TLS terminator holding both an RSA and an ECDSA certificate for `ocppDomainName` in front of
   * the OCPP distribution (a Network Load Balancer and a small nginx service; infra/constructs/ocpp-tls-front.ts),
   * so one endpoint offers all four cipher suites OCPP 2.0.1 A00.FR.318 requires (TC_A_04_CSMS).
   * Requires `ocppDomainName`; its DNS name then points at the load balancer. @default false
   */
  readonly ocppTlsFront: boolean;
  /**
   * ACM certificates (RSA and ECDSA key) covering `ocppDomainName`, in the stacks' region, for `ocppTlsFront`.
   * Both or neither. @default - the Edge stack requests both from ACM, DNS-validated
   */
  readonly ocppTlsFrontRsaCertificateArn?: string;
  readonly ocppTlsFrontEcdsaCertificateArn?: string;
  /** Custom domain for the HTTP API, e.g. `api.example.com`. @default - the execute-api domain */
  readonly apiDomainName?: string;
  /** ACM certificate covering `apiDomainName`, in the stacks' region. Required with `apiDomainName`. */
  readonly apiCertificateArn?: string;
  /**
   * `From` address of every email (an SES-verified identity). Required: without it no verification
   * email can be sent, so no installer could ever log in to the deployment.
   */
  readonly senderEmail: string;
  /** An existing Secrets Manager secret holding `{ "p12Base64", "passphrase" }`. @default - an empty secret to fill */
  readonly certificateSigningSecretArn?: string;
  /** Email address subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
  /** LOG_LEVEL of every function. @default 'info' */
  readonly logLevel: string;
  /**
   * Access logs on the WebSocket stage. They need the account-wide API Gateway CloudWatch role
   * (Settings → Logging in the API Gateway console), which this app does not own. @default false
   */
  readonly webSocketAccessLogs: boolean;
  /**
   * Also accept `ws://` (OCPP security profile 1: Basic auth without TLS) on the OCPP endpoint.
   * @default false - `wss://` only
   */
  readonly allowUnencryptedOcpp: boolean;
  /**
   * OCPP 1.6 has no standard key for the central system URL, so moving a 1.6 charger to another
   * backoffice needs the vendor's key: `{"Vendor/Model": "KeyName"}` as JSON (OCPP16_BACKOFFICE_URL_KEYS
   * of every function). @default - none: 1.6 chargers answer "not supported for this model"
   */
  readonly ocpp16BackofficeUrlKeys?: string;
  /** PowerBank bidding zone of Bornholm (POWERBANK_BORNHOLM_ZONE): `DK2` today, `DK3` once the energy island runs. @default 'DK2' */
  readonly powerbankBornholmZone?: 'DK2' | 'DK3';
  /**
   * The heartbeat interval BootNotification answers ask for (HEARTBEAT_INTERVAL_SECONDS), 60–86400 s.
   * Above 570 s an otherwise quiet charger stays connected only if WebSocket pings keep API Gateway
   * connections open, which AWS does not document: `npm run idle-check` on this deployment first
   * (docs/deploy.md). @default 540 (lib/ocpp/heartbeat.ts)
   */
  readonly heartbeatSeconds?: number;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'];

/** `-c heartbeatSeconds=900` arrives as a string, cdk.json's `"heartbeatSeconds": 900` as a number. */
function heartbeatContext(value: unknown): { heartbeatSeconds?: number } {
  if (value === undefined || value === null || value === '') return {};
  return { heartbeatSeconds: typeof value === 'number' || typeof value === 'string' ? Number(value) : NaN };
}

export function readDeployConfig(scope: Construct): DeployConfig {
  const text = (key: string): string | undefined => {
    const value: unknown = scope.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`Context ${key} must be a string`);
    return value.trim();
  };
  const flag = (key: string): boolean => {
    const value: unknown = scope.node.tryGetContext(key);
    return value === true || value === 'true';
  };

  const config: DeployConfig = {
    stackPrefix: text('stackPrefix') ?? 'Commissioning',
    ocppDomainName: text('ocppDomainName'),
    ocppCertificateArn: text('ocppCertificateArn'),
    ocppTlsFront: flag('ocppTlsFront'),
    ocppTlsFrontRsaCertificateArn: text('ocppTlsFrontRsaCertificateArn'),
    ocppTlsFrontEcdsaCertificateArn: text('ocppTlsFrontEcdsaCertificateArn'),
    apiDomainName: text('apiDomainName'),
    apiCertificateArn: text('apiCertificateArn'),
    senderEmail: text('senderEmail') ?? '',
    certificateSigningSecretArn: text('certificateSigningSecretArn'),
    alarmEmail: text('alarmEmail'),
    logLevel: text('logLevel') ?? 'info',
    webSocketAccessLogs: flag('webSocketAccessLogs'),
    allowUnencryptedOcpp: flag('allowUnencryptedOcpp'),
    ocpp16BackofficeUrlKeys: text('ocpp16BackofficeUrlKeys'),
    powerbankBornholmZone: text('powerbankBornholmZone') as DeployConfig['powerbankBornholmZone'],
    ...heartbeatContext(scope.node.tryGetContext('heartbeatSeconds')),
  };

  if (!/^[A-Za-z][A-Za-z0-9-]{0,40}$/.test(config.stackPrefix)) throw new Error('Context stackPrefix must be letters, digits and dashes');
  if (!!config.ocppDomainName !== !!config.ocppCertificateArn) throw new Error('Context ocppDomainName and ocppCertificateArn go together');
  if (config.ocppTlsFront && !config.ocppDomainName) {
    throw new Error(
      'Context ocppTlsFront needs the OCPP custom domain (-c ocppDomainName=… -c ocppCertificateArn=…): the load balancer serves an RSA and an ECDSA ' +
        'certificate for that one name, and the default *.cloudfront.net host cannot carry them (docs/deploy.md)',
    );
  }
  const tlsFrontArns = { ocppTlsFrontRsaCertificateArn: config.ocppTlsFrontRsaCertificateArn, ocppTlsFrontEcdsaCertificateArn: config.ocppTlsFrontEcdsaCertificateArn };
  const givenTlsFrontArns = Object.entries(tlsFrontArns).filter(([, arn]) => arn);
  if (givenTlsFrontArns.length > 0 && !config.ocppTlsFront) throw new Error('Context ocppTlsFrontRsaCertificateArn/ocppTlsFrontEcdsaCertificateArn apply only with -c ocppTlsFront=true');
  if (givenTlsFrontArns.length === 1) {
    const missing = Object.keys(tlsFrontArns).find((key) => !tlsFrontArns[key as keyof typeof tlsFrontArns])!;
    throw new Error(
      `Context ${missing} is missing: ocppTlsFront serves both an RSA certificate (the TLS_RSA suites) and an ECDSA certificate (the ECDHE_ECDSA suites) ` +
        'for the OCPP domain, so give both ARNs, or neither and the Edge stack requests both from ACM (docs/deploy.md)',
    );
  }
  for (const [key, arn] of givenTlsFrontArns) {
    if (!arn!.startsWith('arn:') || !arn!.includes(':acm:')) throw new Error(`Context ${key} must be an ACM certificate ARN (in the stacks' region)`);
  }
  if (!!config.apiDomainName !== !!config.apiCertificateArn) throw new Error('Context apiDomainName and apiCertificateArn go together');
  if (config.ocppCertificateArn && !config.ocppCertificateArn.includes(':us-east-1:')) {
    throw new Error('Context ocppCertificateArn must be an ACM certificate in us-east-1 (CloudFront)');
  }
  if (!config.senderEmail) {
    throw new Error(
      'Context senderEmail is required: the From address of every email (verification mails, handover notices), ' +
        'an address or domain verified in SES in the target region. Example: npm run deploy -- -c senderEmail=commissioning@example.com (docs/deploy.md)',
    );
  }
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(config.senderEmail)) throw new Error('Context senderEmail is not an email address');
  if (config.alarmEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(config.alarmEmail)) throw new Error('Context alarmEmail is not an email address');
  if (config.certificateSigningSecretArn && !config.certificateSigningSecretArn.startsWith('arn:')) {
    throw new Error('Context certificateSigningSecretArn must be a full secret ARN');
  }
  if (config.ocpp16BackofficeUrlKeys !== undefined) {
    // The same parser the functions use, so a value synth accepts is one they start with.
    try {
      parseUrlKeys(config.ocpp16BackofficeUrlKeys);
    } catch {
      throw new Error('Context ocpp16BackofficeUrlKeys must be a JSON object {"Vendor/Model": "KeyName"}, e.g. -c \'ocpp16BackofficeUrlKeys={"KeyVendor/KV1":"CentralSystemUrl"}\'');
    }
  }
  if (config.powerbankBornholmZone !== undefined && !['DK2', 'DK3'].includes(config.powerbankBornholmZone)) {
    throw new Error('Context powerbankBornholmZone must be DK2 or DK3');
  }
  if (config.heartbeatSeconds !== undefined) {
    const h = config.heartbeatSeconds;
    if (!Number.isInteger(h) || h < HEARTBEAT_BOUNDS_SECONDS.min || h > HEARTBEAT_BOUNDS_SECONDS.max) {
      throw new Error(`Context heartbeatSeconds must be a whole number of seconds from ${HEARTBEAT_BOUNDS_SECONDS.min} to ${HEARTBEAT_BOUNDS_SECONDS.max}`);
    }
  }
  if (!LOG_LEVELS.includes(config.logLevel)) throw new Error(`Context logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  return config;
}
