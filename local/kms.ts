// The two AWS KMS calls the platform makes (GenerateDataKey, Decrypt), served by the local runtime
// like EventBridge and SES: the real KMSClient in the handlers sends them here through
// AWS_ENDPOINT_URL_KMS. The master key lives in the data folder (local-secrets.json, mode 0600);
// a data key is returned both in the clear and wrapped under it with AES-256-GCM, bound to the
// caller's encryption context as KMS does. Served to this machine only (local/internal-access.ts).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const LOCAL_KMS_KEY_ID = 'arn:aws:kms:local:000000000000:key/local-webhook-secrets';

type Context = Record<string, string>;

export class LocalKms {
  constructor(private readonly masterKey: Buffer) {}

  /** True when this request is a KMS call (JSON protocol: `X-Amz-Target: TrentService.<Operation>`). */
  static handles(req: IncomingMessage): boolean {
    const target = req.headers['x-amz-target'];
    return req.method === 'POST' && typeof target === 'string' && target.startsWith('TrentService.');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target']).slice('TrentService.'.length);
    let input: { KeySpec?: string; NumberOfBytes?: number; CiphertextBlob?: string; EncryptionContext?: Context };
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as typeof input;
    } catch {
      return this.error(res, 400, 'SerializationException', 'Body is not JSON');
    }
    const context = JSON.stringify(Object.entries(input.EncryptionContext ?? {}).sort());
    if (target === 'GenerateDataKey') {
      const dataKey = randomBytes(input.NumberOfBytes ?? (input.KeySpec === 'AES_128' ? 16 : 32));
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
      cipher.setAAD(Buffer.from(context));
      const wrapped = Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
      return this.ok(res, { KeyId: LOCAL_KMS_KEY_ID, Plaintext: dataKey.toString('base64'), CiphertextBlob: wrapped.toString('base64') });
    }
    if (target === 'Decrypt') {
      const blob = Buffer.from(input.CiphertextBlob ?? '', 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', this.masterKey, blob.subarray(0, 12));
        decipher.setAAD(Buffer.from(context));
        decipher.setAuthTag(blob.subarray(blob.length - 16));
        const plain = Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()]);
        return this.ok(res, { KeyId: LOCAL_KMS_KEY_ID, Plaintext: plain.toString('base64') });
      } catch {
        return this.error(res, 400, 'InvalidCiphertextException', 'The ciphertext or its encryption context does not match');
      }
    }
    return this.error(res, 400, 'UnsupportedOperationException', `The local KMS serves GenerateDataKey and Decrypt, not ${target}`);
  }

  private ok(res: ServerResponse, body: unknown): void {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
  }

  private error(res: ServerResponse, status: number, type: string, message: string): void {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type }).end(JSON.stringify({ __type: type, message }));
  }
}
