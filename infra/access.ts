// A route or rule row's `access` (lib/routes.ts) → the function's environment and IAM grants.
// One handler per Access key, typed so that a new key in lib/routes.ts does not compile here until
// it has both. Grants come from the row only; nothing is granted "just in case".
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { resolve } from 'node:path';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, type IFunction, type ILayerVersion, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { Access, SecretName } from '../lib/routes';
import { SEAL_PURPOSES } from '../lib/webhooks/seal-purposes';
import { REPO_ROOT } from './bundling';
import type { Platform } from './platform';

/** Environment variable carrying each named secret's ARN (the contract in lib/routes.ts). */
export const SECRET_ENVIRONMENT: { readonly [K in SecretName]: string } = {
  'jwt-signing': 'JWT_SECRET_ARN',
  'certificate-signing': 'CERT_SIGNING_SECRET_ARN',
};

/**
 * The Unicode fonts of the handover certificate as a Lambda layer. A layer's contents mount under
 * /opt, so the asset's `fonts/` folder is /opt/fonts; lib/certificates/fonts.ts reads the folder
 * from CERTIFICATE_FONT_DIR (test/infra/layers.test.ts checks the two sides agree).
 */
export const CERTIFICATE_FONTS_LAYER = {
  /** Relative to the repository root. */
  assetDir: 'layers/certificate-fonts',
  environment: { CERTIFICATE_FONT_DIR: '/opt/fonts' },
} as const;

type AccessKey = keyof Access;
type AccessValue<K extends AccessKey> = NonNullable<Access[K]>;

interface AccessMapping<K extends AccessKey> {
  environment(value: AccessValue<K>, platform: Platform, scope: Stack): Record<string, string>;
  grant(fn: IFunction, value: AccessValue<K>, platform: Platform): void;
}

/** `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`: never the CloudFront domain (DESIGN.md §2.2). */
export function managementEndpoint(platform: Platform, scope: Stack): string {
  return `https://${platform.webSocket.apiId}.execute-api.${scope.region}.${scope.urlSuffix}/${platform.webSocket.stageName}`;
}

type AccessMappings = { readonly [K in AccessKey]-?: AccessMapping<K> };

const MAPPINGS: AccessMappings = {
  table: {
    environment: (_value, platform) => ({ TABLE_NAME: platform.table.tableName }),
    grant: (fn, value, platform) => {
      if (value === 'read') platform.table.grantReadData(fn);
      else platform.table.grantReadWriteData(fn);
    },
  },
  certificates: {
    // Writing a certificate means rendering it, which needs the fonts layer (see layersFor).
    environment: (value, platform) => ({
      CERTIFICATE_BUCKET: platform.certificateBucket.bucketName,
      ...(value === 'readwrite' ? CERTIFICATE_FONTS_LAYER.environment : {}),
    }),
    grant: (fn, value, platform) => {
      if (value === 'read') platform.certificateBucket.grantRead(fn);
      else platform.certificateBucket.grantReadWrite(fn);
    },
  },
  events: {
    environment: (_value, platform) => ({ EVENT_BUS_NAME: platform.eventBus.eventBusName }),
    grant: (fn, _value, platform) => {
      platform.eventBus.grantPutEventsTo(fn);
    },
  },
  connections: {
    environment: (_value, platform, scope) => ({ WS_MANAGEMENT_ENDPOINT: managementEndpoint(platform, scope) }),
    grant: (fn, _value, platform) => {
      // POST = postToConnection, DELETE = deleteConnection (lib/aws/connections.ts), on this API's stage only.
      const stack = Stack.of(fn);
      const connections = (method: string) =>
        stack.formatArn({
          service: 'execute-api',
          resource: platform.webSocket.apiId,
          resourceName: `${platform.webSocket.stageName}/${method}/@connections/*`,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        });
      fn.addToRolePolicy(new PolicyStatement({ actions: ['execute-api:ManageConnections'], resources: [connections('POST'), connections('DELETE')] }));
    },
  },
  email: {
    environment: (_value, platform): Record<string, string> => ({ EMAIL_FROM: platform.config.senderEmail }),
    grant: (fn, _value, platform) => {
      const stack = Stack.of(fn);
      const identity = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
      const sender = platform.config.senderEmail;
      // SES authorises against the verified identity of the From address: the address or its domain.
      const identities = [identity(sender), identity(sender.slice(sender.indexOf('@') + 1))];
      fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:SendEmail', 'ses:SendRawEmail'], resources: identities }));
    },
  },
  webhookSecrets: {
    environment: (_value, platform) => ({ WEBHOOK_SECRETS_KEY_ID: platform.webhookSecretsKey.keyArn }),
    grant: (fn, value, platform) => {
      // Sealing needs only GenerateDataKey, signing only Decrypt; both bound to the sealed secrets'
      // encryption contexts (webhook signing secrets, the job page's provisioning-password copies).
      const action = value === 'seal' ? 'kms:GenerateDataKey' : 'kms:Decrypt';
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: [action],
          resources: [platform.webhookSecretsKey.keyArn],
          conditions: { StringEquals: { 'kms:EncryptionContext:purpose': Object.values(SEAL_PURPOSES) } },
        }),
      );
    },
  },
  secrets: {
    environment: (names, platform) => Object.fromEntries(names.map((name) => [SECRET_ENVIRONMENT[name], platform.secrets[name].secretArn])),
    grant: (fn, names, platform) => {
      for (const name of names) platform.secrets[name].grantRead(fn);
    },
  },
};

function mappingFor<K extends AccessKey>(key: K): AccessMapping<K> {
  return (MAPPINGS as { readonly [P in K]: AccessMapping<P> })[key];
}

/** Calls `visit` once per access entry the row has, in a fixed order. */
function forEachAccess(access: Access, visit: <K extends AccessKey>(key: K, value: AccessValue<K>) => void): void {
  for (const key of Object.keys(MAPPINGS) as AccessKey[]) {
    const value = access[key];
    if (value !== undefined) visit(key, value as AccessValue<typeof key>);
  }
}

/** The environment a row's function gets: always LOG_LEVEL and the two public addresses, then one set per access entry. */
export function environmentFor(access: Access, platform: Platform, scope: Stack): Record<string, string> {
  const environment: Record<string, string> = {
    LOG_LEVEL: platform.config.logLevel,
    OCPP_PUBLIC_ENDPOINT: platform.ocppPublicEndpoint,
    PUBLIC_BASE_URL: platform.publicBaseUrl,
    // Domain settings of the deployment: only when set, so the functions keep their own defaults.
    ...(platform.config.ocpp16BackofficeUrlKeys ? { OCPP16_BACKOFFICE_URL_KEYS: platform.config.ocpp16BackofficeUrlKeys } : {}),
    ...(platform.config.powerbankBornholmZone ? { POWERBANK_BORNHOLM_ZONE: platform.config.powerbankBornholmZone } : {}),
    ...(platform.config.heartbeatSeconds !== undefined ? { HEARTBEAT_INTERVAL_SECONDS: String(platform.config.heartbeatSeconds) } : {}),
  };
  forEachAccess(access, (key, value) => Object.assign(environment, mappingFor(key).environment(value, platform, scope)));
  return environment;
}

/** Grants exactly what the row's `access` says, and nothing else. */
export function grantAccess(fn: IFunction, access: Access, platform: Platform): void {
  forEachAccess(access, (key, value) => mappingFor(key).grant(fn, value, platform));
}

/**
 * The layers a row's function gets: the certificate fonts for a function that writes certificates
 * (only the renderer does), nothing for the others, so their cold starts do not mount 2 MB of fonts.
 * One LayerVersion per stack, shared by every function in it.
 */
export function layersFor(access: Access, scope: Stack): ILayerVersion[] {
  if (access.certificates !== 'readwrite') return [];
  const id = 'CertificateFontsLayer';
  const existing = scope.node.tryFindChild(id) as ILayerVersion | undefined;
  return [
    existing ??
      new LayerVersion(scope, id, {
        code: Code.fromAsset(resolve(REPO_ROOT, CERTIFICATE_FONTS_LAYER.assetDir)),
        description: 'DejaVu Sans Condensed (Bitstream Vera licence) for the handover certificate, at /opt/fonts',
        // Fonts are data: any architecture, any Node runtime.
        compatibleArchitectures: [Architecture.ARM_64, Architecture.X86_64],
        license: 'Bitstream-Vera',
      }),
  ];
}
