// Signatures checked by an independent verifier: poppler's pdfsig (NSS), as a reader would.
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHandoverCertificate } from '../../../lib/certificates/render';
import { signPdf } from '../../../lib/certificates/sign';
import { generateSigningIdentity, type SigningIdentity } from '../../../lib/certificates/signing-identity';
import { aHandoverCertificate } from '../../fixtures/certificates/handover-data';
import { pdfsig, pdfText } from '../../fixtures/certificates/poppler';

let identity: SigningIdentity;
let unsigned: Uint8Array;

beforeAll(async () => {
  const generated = generateSigningIdentity({ commonName: 'VoltWay Charging Document Signing', organization: 'VoltWay Charging' });
  identity = { p12: Buffer.from(generated.p12Base64, 'base64'), passphrase: generated.passphrase };
  unsigned = await renderHandoverCertificate(aHandoverCertificate());
});

const info = { reason: 'Handover certificate crt_1', location: 'Harbour Office, DE', name: 'VoltWay Charging' };

describe('signPdf', () => {
  it('signs so that pdfsig reports a valid SHA-256 signature over the whole document', async () => {
    const signed = await signPdf(unsigned, identity, info);

    const report = pdfsig(signed);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Signer Certificate Common Name: VoltWay Charging Document Signing');
    expect(report).toContain('Signing Hash Algorithm: SHA-256');
    expect(report).toContain('Signature Type: adbe.pkcs7.detached');
    expect(report).toContain('Total document signed');
  });

  it('is no longer valid once a single signed byte changes', async () => {
    const signed = await signPdf(unsigned, identity, info);
    const tampered = Buffer.from(signed);
    // Inside the first signed range: the binary comment on the second line ("%PDF-1.7\n%\x81…").
    const at = tampered.indexOf('\n') + 2;
    tampered[at] = (tampered[at] ?? 0) ^ 0x01;

    const report = pdfsig(tampered);
    expect(report).toContain('Signature Validation: Digest Mismatch.');
    expect(report).not.toContain('Signature is Valid');
  });

  it('leaves the content, dates and producer of the rendered PDF as they were', async () => {
    const signed = await signPdf(unsigned, identity, info);

    expect(pdfText(signed)).toBe(pdfText(unsigned));
    const doc = await PDFDocument.load(signed, { updateMetadata: false });
    expect(doc.getCreationDate()?.toISOString()).toBe('2025-05-14T10:32:00.000Z');
    expect(doc.getModificationDate()?.toISOString()).toBe('2025-05-14T10:32:00.000Z');
    expect(doc.getProducer()).toBe('chargepoint-commissioning (pdf-lib)');
  });

  it('gives the same bytes for the same document, identity and signing time', async () => {
    const signingTime = new Date('2025-05-14T10:32:00Z');

    const first = await signPdf(unsigned, identity, { ...info, signingTime });
    const second = await signPdf(unsigned, identity, { ...info, signingTime });

    expect(first.equals(second)).toBe(true);
    expect(pdfsig(first)).toContain('Signing Time: May 14 2025 10:32:00');
  });

  it('keeps the PDF valid when reason, location and name hold PDF delimiters and non-ASCII text', async () => {
    const signed = await signPdf(unsigned, identity, {
      reason: 'Handover (job 42 \\ unbalanced ( paren',
      location: 'Łódź, Zürich 東京 🚗',
      name: 'Zoë O’Brien)',
      contactInfo: 'ops@example.com\r\n',
    });

    expect(pdfsig(signed)).toContain('Signature is Valid.');
  });
});
