// Standard Webhooks signing (https://www.standardwebhooks.com/, spec "Signature scheme"): HMAC-SHA256
// over `{webhook-id}.{webhook-timestamp}.{body}`, sent as `v1,<base64>`. Several signatures are
// space-separated, which is how a rotated secret stays valid during its grace period: a receiver
// that still holds the old secret finds its match, one with the new secret finds the other.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export const SECRET_PREFIX = 'whsec_';

/** 32 random bytes, base64 with the `whsec_` prefix the standardwebhooks libraries accept as is. */
export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export interface SignedHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** Headers for one attempt; `secrets` in order of preference (current first, then the previous one). */
export function signWebhook(secrets: readonly string[], msgId: string, at: Date, body: string): SignedHeaders {
  if (secrets.length === 0) throw new Error('At least one signing secret is required');
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(msgId, at, body)).join(' '),
  };
}
