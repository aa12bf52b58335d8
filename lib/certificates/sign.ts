// PAdES-style detached PKCS#7 signature (adbe.pkcs7.detached, SHA-256) over the whole PDF, the kind
// Acrobat and poppler's `pdfsig` verify. The placeholder (signature dictionary, widget, AcroForm) is
// added with pdf-lib; @signpdf then fills in /ByteRange and /Contents.
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { P12Signer } from '@signpdf/signer-p12';
import { SignPdf } from '@signpdf/signpdf';
import { PDFDocument } from 'pdf-lib';
import type { SigningIdentity } from './signing-identity';

export interface SignatureInfo {
  readonly reason: string;
  readonly location?: string;
  /** The signer as a person or organisation would name it; the certificate's CN is authoritative. */
  readonly name?: string;
  readonly contactInfo?: string;
  /**
   * Signing time written in the signature dictionary and the signed attributes.
   * @default now. Passing a fixed time makes signing deterministic: RSA PKCS#1 v1.5 signatures
   * are, so the same PDF and identity give the same bytes.
   */
  readonly signingTime?: Date;
}

export const SIGNING_APP_NAME = 'chargepoint-commissioning';

export async function signPdf(pdf: Uint8Array, identity: SigningIdentity, info: SignatureInfo): Promise<Buffer> {
  const signingTime = info.signingTime ?? new Date();
  // updateMetadata false: keep the creation/modification dates and producer the renderer set.
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: toPdfLiteral(info.reason),
    location: toPdfLiteral(info.location ?? ''),
    name: toPdfLiteral(info.name ?? ''),
    contactInfo: toPdfLiteral(info.contactInfo ?? ''),
    signingTime,
    appName: SIGNING_APP_NAME,
  });
  // @signpdf finds /ByteRange by scanning the bytes: the signature dictionary must not end up
  // compressed inside an object stream.
  const prepared = Buffer.from(await doc.save({ useObjectStreams: false }));
  const signer = new P12Signer(identity.p12, { passphrase: identity.passphrase });
  return new SignPdf().sign(prepared, signer, signingTime);
}

/**
 * pdf-lib writes these strings as PDF literal strings byte for byte, without escaping: an
 * unbalanced parenthesis or a backslash would corrupt the file and characters above U+00FF would be
 * truncated. Keep printable ASCII and swap the three delimiters.
 */
function toPdfLiteral(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/\(/g, '[')
    .replace(/\)/g, ']')
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
}
