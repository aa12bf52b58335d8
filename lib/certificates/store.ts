// Signed certificates in the certificate bucket (CERTIFICATE_BUCKET), reached through presigned
// GET URLs: the bucket stays private and nobody needs AWS credentials to download a certificate.
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { requireEnv } from '../env';

/** SigV4 presigned URLs live at most 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

let client: S3Client | undefined;

/**
 * One S3 client per process. The endpoint comes from AWS_ENDPOINT_URL_S3 and the checksum mode from
 * AWS_REQUEST_CHECKSUM_CALCULATION (both read by the SDK itself); s3rver also needs path-style
 * addressing, which the local runtime asks for with S3_FORCE_PATH_STYLE=true (DESIGN.md §1).
 */
function s3(): S3Client {
  client ??= new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true', maxAttempts: 3 });
  return client;
}

const bucket = () => requireEnv('CERTIFICATE_BUCKET');

/**
 * Stores a signed PDF. No ServerSideEncryption header on purpose: every S3 bucket encrypts new
 * objects by default (SSE-S3 since January 2023) and the bucket's own default decides the key
 * (the CDK stack may choose SSE-KMS); a per-request `AES256` would silently override a KMS default.
 * ChecksumSHA256 makes S3 reject a body damaged in transit; the hex SHA-256 is kept as metadata so
 * a repeated handover can return the stored certificate's hash without downloading it.
 */
export async function storeCertificate(key: string, pdf: Buffer): Promise<void> {
  const digest = createHash('sha256').update(pdf).digest();
  await s3().send(
    new PutObjectCommand({
      Bucket: bucket(),
      Key: key,
      Body: pdf,
      ContentType: 'application/pdf',
      ContentDisposition: `inline; filename="${fileName(key)}"`,
      ChecksumSHA256: digest.toString('base64'),
      Metadata: { sha256: digest.toString('hex') },
    }),
  );
}

/**
 * The stored certificate's SHA-256 (hex), or undefined when there is none under `key`. S3 answers
 * a missing key with 404 only to a caller allowed s3:ListBucket (403 otherwise), which the bucket's
 * read grant includes.
 */
export async function findCertificate(key: string): Promise<{ sha256: string } | undefined> {
  let metadata: Record<string, string> | undefined;
  try {
    metadata = (await s3().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }))).Metadata;
  } catch (e) {
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404) return undefined;
    throw e;
  }
  const recorded = metadata?.sha256;
  if (recorded && /^[0-9a-f]{64}$/.test(recorded)) return { sha256: recorded };
  // Stored without the metadata (by hand, or by an older version): hash the body.
  const out = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
  if (!out.Body) throw new Error(`Certificate ${key} has no body`);
  return { sha256: createHash('sha256').update(await out.Body.transformToByteArray()).digest('hex') };
}

/**
 * A presigned GET URL for the certificate, valid `expiresInSeconds` (the issue asks for at least
 * 24 h; default and maximum 7 days, the SigV4 limit).
 *
 * Limitation: a URL signed with temporary credentials (a Lambda execution role) stops working when
 * that session expires, whatever X-Amz-Expires says, and Lambda role sessions last hours, not days.
 * So on AWS the effective lifetime is "until the role session ends", which can be under 24 h.
 * Mitigation: the API presigns a fresh URL on every GET of the handover instead of storing one.
 * (A URL that must outlive that would need long-term IAM user keys, or CloudFront signed URLs.)
 */
export async function presignCertificateUrl(key: string, expiresInSeconds: number = MAX_PRESIGN_SECONDS): Promise<string> {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(`expiresInSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS}, got ${expiresInSeconds}`);
  }
  return getSignedUrl(s3(), new GetObjectCommand({ Bucket: bucket(), Key: key }), { expiresIn: expiresInSeconds });
}

function fileName(key: string): string {
  return (key.split('/').pop() ?? 'certificate.pdf').replace(/[^A-Za-z0-9._-]/g, '_');
}
