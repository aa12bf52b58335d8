// Secrets that must be readable again, at rest: envelope encryption. First for webhook signing
// secrets; also for the one copy of a charger's provisioning password that a job link may reveal
// (lib/domain/public-job.ts), each under its own encryption-context purpose.
// Webhook signing secrets at rest: envelope encryption. HMAC signing needs the secret itself, so it
// cannot be hashed like a password; instead each secret is sealed with its own AES-256-GCM data key,
// and only that data key, encrypted by KMS under WEBHOOK_SECRETS_KEY_ID, is stored next to it. A
// copy of the table (a backup, an export, a stolen read credential) then reveals no secret without
// kms:Decrypt on the key, which only the functions that sign deliveries hold. Locally the runtime
// serves the same two KMS calls with a key kept in the data folder (local/kms.ts).
//
// Stored form: `sealed.v1.<encrypted data key>.<iv>.<ciphertext>.<tag>` (base64url). A value that
// is still a bare `whsec_…` (stored before this existed) is returned as it is and sealed at its
// next rotation.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { requireEnv } from '../env';

const PREFIX = 'sealed.v1.';
/** Binds every data key to its use: a data key made for something else does not open a secret. */
export const SEAL_PURPOSES = { webhookSigningSecret: 'webhook-signing-secret', provisioningPassword: 'charger-provisioning-password' } as const;
export type SealPurpose = (typeof SEAL_PURPOSES)[keyof typeof SEAL_PURPOSES];

let client: KMSClient | undefined;
const kms = () => (client ??= new KMSClient({ maxAttempts: 3 }));

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url');

export async function sealSecret(secret: string, purpose: SealPurpose = SEAL_PURPOSES.webhookSigningSecret): Promise<string> {
  const key = await kms().send(new GenerateDataKeyCommand({ KeyId: requireEnv('WEBHOOK_SECRETS_KEY_ID'), KeySpec: 'AES_256', EncryptionContext: { purpose } }));
  if (!key.Plaintext || !key.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.Plaintext, iv);
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  key.Plaintext.fill(0);
  return `${PREFIX}${b64(key.CiphertextBlob)}.${b64(iv)}.${b64(ciphertext)}.${b64(cipher.getAuthTag())}`;
}

/** Opened secrets by sealed value, for the life of the process: a delivery should not cost a KMS call. */
const opened = new Map<string, string>();
const MAX_CACHED = 500;

export async function openSecret(stored: string, purpose: SealPurpose = SEAL_PURPOSES.webhookSigningSecret): Promise<string> {
  if (!stored.startsWith(PREFIX)) return stored;
  const cacheKey = `${purpose}\n${stored}`;
  const hit = opened.get(cacheKey);
  if (hit !== undefined) return hit;
  const [wrappedKey, iv, ciphertext, tag] = stored.slice(PREFIX.length).split('.');
  if (!wrappedKey || !iv || !ciphertext || !tag) throw new Error('A sealed secret is malformed');
  const key = await kms().send(new DecryptCommand({ CiphertextBlob: unb64(wrappedKey), EncryptionContext: { purpose } }));
  if (!key.Plaintext) throw new Error('KMS Decrypt returned no key');
  const decipher = createDecipheriv('aes-256-gcm', key.Plaintext, unb64(iv));
  decipher.setAuthTag(unb64(tag));
  const secret = Buffer.concat([decipher.update(unb64(ciphertext)), decipher.final()]).toString('utf8');
  key.Plaintext.fill(0);
  if (opened.size >= MAX_CACHED) opened.delete(opened.keys().next().value!);
  opened.set(cacheKey, secret);
  return secret;
}

export const isSealed = (stored: string) => stored.startsWith(PREFIX);
