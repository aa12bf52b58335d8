// Issuing a handover certificate: render → sign → store → presign.
import { createHash } from 'node:crypto';
import { renderHandoverCertificate, type HandoverCertificateData } from './render';
import { signPdf } from './sign';
import { loadSigningIdentity } from './signing-identity';
import { findCertificate, presignCertificateUrl, storeCertificate } from './store';

export type { CertificateChargePoint, CertificateCheck, CertificateChecklistItem, HandoverCertificateData } from './render';
export { renderHandoverCertificate } from './render';
export { signPdf, type SignatureInfo } from './sign';
export { generateSigningIdentity, loadSigningIdentity, type SigningIdentity } from './signing-identity';
export { MAX_PRESIGN_SECONDS, presignCertificateUrl, storeCertificate } from './store';

export interface IssuedCertificate {
  /** S3 key: `certificates/{projectId}/{certificateId}.pdf`. */
  readonly key: string;
  /** Presigned GET URL (see presignCertificateUrl for how long it really lives). */
  readonly url: string;
  /** SHA-256 of the signed PDF, hex. */
  readonly sha256: string;
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Where a project's certificate lives; the API re-presigns it on every GET of the handover. */
export function certificateKey(projectId: string, certificateId: string): string {
  for (const [what, value] of [['projectId', projectId], ['certificateId', certificateId]] as const) {
    if (!SAFE_SEGMENT.test(value)) throw new RangeError(`${what} is not usable in an S3 key: ${JSON.stringify(value)}`);
  }
  return `certificates/${projectId}/${certificateId}.pdf`;
}

/**
 * Renders, signs, stores and presigns the certificate. Idempotent per certificate id: once a
 * certificate is stored under its key it is never replaced (a signed document must not change
 * under the same name), and a repeat returns it with a fresh URL. Two concurrent first calls both
 * write, but they write the same bytes: rendering is deterministic and the signing time is the
 * handover time, so the signature is too.
 */
export async function issueHandoverCertificate(data: HandoverCertificateData): Promise<IssuedCertificate> {
  const key = certificateKey(data.project.id, data.certificateId);
  const existing = await findCertificate(key);
  if (existing) return { key, url: await presignCertificateUrl(key), sha256: existing.sha256 };

  const identity = await loadSigningIdentity();
  const pdf = await renderHandoverCertificate(data);
  const signed = await signPdf(pdf, identity, {
    reason: `Handover certificate ${data.certificateId}: ${data.project.name} (job ${data.project.jobNumber})`,
    location: `${data.site.name}, ${data.site.country}`,
    name: data.operator.name,
    signingTime: signingTimeFor(data.handedOverAt, new Date()),
  });
  await storeCertificate(key, signed);
  return { key, url: await presignCertificateUrl(key), sha256: createHash('sha256').update(signed).digest('hex') };
}

const SAME_REQUEST_MS = 5 * 60_000;

/**
 * The handover time when signing happens in the handover request itself (makes concurrent first
 * calls byte-identical); the real time when a certificate is issued later, so a signature never
 * claims a time long before it was made (or before a rotated signing certificate was valid).
 */
export function signingTimeFor(handedOverAt: string, now: Date): Date {
  const at = new Date(handedOverAt);
  const late = Number.isNaN(at.getTime()) || Math.abs(now.getTime() - at.getTime()) > SAME_REQUEST_MS;
  return late ? now : at;
}
