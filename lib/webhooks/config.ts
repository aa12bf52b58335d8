// Webhook settings, read from the environment once (on first use) and frozen, like lib/config.ts.
import { optionalEnv } from '../env';

export interface WebhookConfig {
  /** Multiplies every retry delay; 1 on AWS, tiny in tests so a 46-hour schedule runs in a second. */
  readonly backoffScale: number;
  /** `http://localhost` / `127.0.0.1` receivers are accepted (the local runtime only; never on AWS). */
  readonly allowLocalhost: boolean;
  /** Per-attempt budget: connect, TLS, request and response headers. */
  readonly timeoutMs: number;
}

let cached: WebhookConfig | undefined;

export function webhookConfig(): WebhookConfig {
  cached ??= Object.freeze({
    backoffScale: positiveNumber('WEBHOOK_BACKOFF_SCALE', 1),
    allowLocalhost: optionalEnv('WEBHOOK_ALLOW_LOCALHOST', 'false') === 'true',
    timeoutMs: positiveNumber('WEBHOOK_TIMEOUT_MS', 10_000),
  });
  return cached;
}

function positiveNumber(name: string, fallback: number): number {
  const raw = optionalEnv(name, String(fallback));
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`Environment variable ${name} must be a positive number, got ${raw}`);
  return n;
}
