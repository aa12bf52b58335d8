// Where the certificate fonts come from: the repository's layer folder by default, the folder
// CERTIFICATE_FONT_DIR names when set (on AWS: the layer at /opt/fonts), and a loud error otherwise.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CERTIFICATE_FONT_FILES, certificateFontDir, loadCertificateFonts } from '../../../lib/certificates/fonts';
import { renderHandoverCertificate } from '../../../lib/certificates/render';
import { aHandoverCertificate } from '../../fixtures/certificates/handover-data';

const saved = process.env.CERTIFICATE_FONT_DIR;
const dirs: string[] = [];

afterEach(() => {
  if (saved === undefined) delete process.env.CERTIFICATE_FONT_DIR;
  else process.env.CERTIFICATE_FONT_DIR = saved;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('certificate fonts', () => {
  it('are read from the repository layer folder by default, with their licence beside them', async () => {
    delete process.env.CERTIFICATE_FONT_DIR;

    const dir = certificateFontDir();
    const fonts = await loadCertificateFonts();

    expect(dir).toMatch(/layers\/certificate-fonts\/fonts\/?$/);
    for (const bytes of Object.values(fonts)) expect(Buffer.from(bytes.subarray(0, 4)).toString('hex')).toBe('00010000'); // TrueType
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toContain('Bitstream Vera');
  });

  it('are read from CERTIFICATE_FONT_DIR when it is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpc-fonts-'));
    dirs.push(dir);
    for (const file of Object.values(CERTIFICATE_FONT_FILES)) copyFileSync(join(certificateFontDir(), file), join(dir, file));
    process.env.CERTIFICATE_FONT_DIR = dir;

    expect(certificateFontDir()).toBe(dir);
    const pdf = await renderHandoverCertificate(aHandoverCertificate());
    expect(pdf.byteLength).toBeGreaterThan(1000);
  });

  it('fail the render loudly, naming the folder and the variable, when the folder has no fonts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpc-nofonts-'));
    dirs.push(dir);
    process.env.CERTIFICATE_FONT_DIR = dir;

    // The three faces are read at once: whichever read fails first names its file.
    await expect(renderHandoverCertificate(aHandoverCertificate())).rejects.toThrow(
      new RegExp(`DejaVuSansCondensed(-Bold|-Oblique)?\\.ttf not readable in ${dir}.*CERTIFICATE_FONT_DIR`),
    );
  });
});
