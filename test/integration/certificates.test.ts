// Issuing a handover certificate end to end against s3rver: render, sign, store, presign, then
// download it like the installer's browser would (plain fetch, no AWS credentials) and verify it.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueHandoverCertificate, presignCertificateUrl } from '../../lib/certificates';
import { forgetSigningIdentity, generateSigningIdentity } from '../../lib/certificates/signing-identity';
import { startLocalS3, type LocalS3 } from '../../local/s3';
import { aChargePoint, aHandoverCertificate } from '../fixtures/certificates/handover-data';
import { pdfsig, pdfText } from '../fixtures/certificates/poppler';

const BUCKET = 'test-certs';
let s3: LocalS3;
const savedEnv = { ...process.env };

beforeAll(async () => {
  s3 = await startLocalS3({ buckets: [BUCKET] });
  const identity = generateSigningIdentity({ commonName: 'Integration Test Signing', organization: 'VoltWay Charging' });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_REGION: 'eu-west-1',
    // s3rver skips the SigV4 signature check but looks the access key id up in its one built-in
    // account: any other id gets 403 InvalidAccessKeyId.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    CERTIFICATE_BUCKET: BUCKET,
    CERT_SIGNING_P12_BASE64: identity.p12Base64,
    CERT_SIGNING_P12_PASSPHRASE: identity.passphrase,
  });
  delete process.env.CERT_SIGNING_SECRET_ARN;
  forgetSigningIdentity();
});

afterAll(async () => {
  await s3?.stop();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
  forgetSigningIdentity();
});

async function download(url: string): Promise<{ body: Buffer; contentType: string | null }> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') };
}

describe('issueHandoverCertificate', () => {
  it('stores a signed certificate that downloads from the presigned URL intact and verifies with pdfsig', async () => {
    // Prepare
    const data = aHandoverCertificate({ chargePoints: [aChargePoint(1), aChargePoint(2), aChargePoint(3)] });

    // Act
    const issued = await issueHandoverCertificate(data);
    const { body, contentType } = await download(issued.url);

    // Assess
    expect(issued.key).toBe(`certificates/${data.project.id}/${data.certificateId}.pdf`);
    expect(contentType).toBe('application/pdf');
    expect(createHash('sha256').update(body).digest('hex')).toBe(issued.sha256);
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    const report = pdfsig(body);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Signer Certificate Common Name: Integration Test Signing');
    expect(report).toContain('Total document signed');
    const text = pdfText(body);
    for (const cp of data.chargePoints) expect(text).toContain(cp.serialNumber);
  });

  it('signs a certificate whose names are Polish, Danish, Greek and Cyrillic, printed as written', async () => {
    // Prepare
    const data = aHandoverCertificate({
      certificateId: 'crt_unicode',
      project: { id: 'prj_unicode', jobNumber: 'JOB-Ł1', name: 'Ærøskøbing Havn' },
      site: { name: 'Ærøskøbing', address: 'Σοφία 3, Αθήνα', country: 'DK' },
      siteOwner: { name: 'Дмитрий Петров' },
      installer: { name: 'Łukasz Żółć', email: 'lukasz@example.com' },
    });

    // Act
    const issued = await issueHandoverCertificate(data);
    const { body } = await download(issued.url);

    // Assess
    expect(pdfsig(body)).toContain('Signature Validation: Signature is Valid.');
    const text = pdfText(body);
    for (const name of ['Łukasz Żółć', 'Ærøskøbing', 'Σοφία', 'Дмитрий']) expect(text).toContain(name);
  });

  it('presigns for seven days, and a repeat returns the stored certificate with a fresh URL', async () => {
    const data = aHandoverCertificate({ certificateId: 'crt_repeat', project: { id: 'prj_repeat', jobNumber: 'JOB-9', name: 'Repeat' } });
    const first = await issueHandoverCertificate(data);

    // Same certificate id, changed data: the signed document under that id does not change.
    const second = await issueHandoverCertificate({ ...data, project: { ...data.project, name: 'Renamed' } });

    expect(new URL(first.url).searchParams.get('X-Amz-Expires')).toBe(String(7 * 24 * 3600));
    expect(second.key).toBe(first.key);
    expect(second.sha256).toBe(first.sha256);
    const { body } = await download(second.url);
    expect(createHash('sha256').update(body).digest('hex')).toBe(first.sha256);
    expect(pdfText(body)).toContain('Repeat');
  });

  it('presigns a URL for a shorter time on request, never beyond the SigV4 limit of seven days', async () => {
    const url = await presignCertificateUrl('certificates/prj_repeat/crt_repeat.pdf', 24 * 3600);

    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('86400');
    await expect(presignCertificateUrl('certificates/x.pdf', 7 * 24 * 3600 + 1)).rejects.toThrow(RangeError);
  });
});
