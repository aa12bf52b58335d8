// The Unicode fonts the handover certificate is set in: DejaVu Sans Condensed (Debian's
// fonts-dejavu-extra 2.37; Bitstream Vera licence, DejaVu changes public domain; LICENSE beside the
// files). Condensed because its widths are close to Helvetica's, which the table layout was made for. They live in layers/certificate-fonts/fonts/, which is a Lambda layer
// on AWS (mounted at /opt/fonts, CERTIFICATE_FONT_DIR set by infra/access.ts for the functions that
// write certificates) and read straight from the repository everywhere else (local runtime, tests).
//
// Why not bundle the TTFs into the function: they are ~2 MB that change never, while the code
// changes every deploy; a layer keeps the bundle small and shared (STYLE.md: layers/ holds heavy,
// rarely-changing assets).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { optionalEnv } from '../env';

export const CERTIFICATE_FONT_DIR_ENV = 'CERTIFICATE_FONT_DIR';

/** Where the Lambda layer's `fonts/` folder appears (a layer's contents mount under /opt). */
export const LAMBDA_LAYER_FONT_DIR = '/opt/fonts';

export const CERTIFICATE_FONT_FILES = {
  regular: 'DejaVuSansCondensed.ttf',
  bold: 'DejaVuSansCondensed-Bold.ttf',
  italic: 'DejaVuSansCondensed-Oblique.ttf',
} as const;

export type FontStyle = keyof typeof CERTIFICATE_FONT_FILES;
export type FontBytes = { readonly [S in FontStyle]: Uint8Array };

/**
 * The font folder: CERTIFICATE_FONT_DIR when set, else the repository's layer folder found from this
 * source file (right for the local runtime and tests; a bundled Lambda has no such folder, which is
 * why the CDK app sets the variable).
 */
export function certificateFontDir(): string {
  return optionalEnv(CERTIFICATE_FONT_DIR_ENV, '') || fileURLToPath(new URL('../../layers/certificate-fonts/fonts/', import.meta.url));
}

let cached: { dir: string; bytes: Promise<FontBytes> } | undefined;

/** The three TTFs, read once per process and folder. A missing file fails loudly, naming the folder and the variable. */
export function loadCertificateFonts(): Promise<FontBytes> {
  const dir = certificateFontDir();
  if (cached?.dir !== dir) {
    const bytes = readAll(dir);
    // A failed read is not cached: the next certificate tries again (e.g. after a layer fix).
    bytes.catch(() => {
      if (cached?.bytes === bytes) cached = undefined;
    });
    cached = { dir, bytes };
  }
  return cached.bytes;
}

async function readAll(dir: string): Promise<FontBytes> {
  const read = async (file: string) => {
    try {
      return new Uint8Array(await readFile(join(dir, file)));
    } catch (err) {
      throw new Error(
        `Certificate font ${file} not readable in ${dir} (set ${CERTIFICATE_FONT_DIR_ENV}; on AWS the certificate-fonts layer provides ${LAMBDA_LAYER_FONT_DIR}): ${(err as Error).message}`,
      );
    }
  };
  const [regular, bold, italic] = await Promise.all([
    read(CERTIFICATE_FONT_FILES.regular),
    read(CERTIFICATE_FONT_FILES.bold),
    read(CERTIFICATE_FONT_FILES.italic),
  ]);
  return { regular, bold, italic };
}
