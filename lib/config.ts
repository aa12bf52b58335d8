// Runtime configuration, read from the environment once (on first use) and frozen. Handlers touch
// it at module load so a missing variable fails the cold start, not a request.
import { intEnv, optionalEnv, requireEnv } from './env';

export interface Config {
  readonly tableName: string;
  readonly eventBusName: string;
  /** https://{api}.execute-api.{region}.amazonaws.com/{stage} on AWS; http://127.0.0.1:PORT/local locally. */
  readonly wsManagementEndpoint: string;
  /** What charge points are told to connect to, without the identity: wss://…/ocpp */
  readonly ocppPublicEndpoint: string;
  /** Days an OCPP log entry is kept. */
  readonly logRetentionDays: number;
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= Object.freeze({
    tableName: requireEnv('TABLE_NAME'),
    eventBusName: optionalEnv('EVENT_BUS_NAME', 'default'),
    wsManagementEndpoint: optionalEnv('WS_MANAGEMENT_ENDPOINT', ''),
    ocppPublicEndpoint: optionalEnv('OCPP_PUBLIC_ENDPOINT', ''),
    logRetentionDays: intEnv('LOG_RETENTION_DAYS', 30),
  });
  return cached;
}
