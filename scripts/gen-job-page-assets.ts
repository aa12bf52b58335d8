// Builds the pages' scripts and their one style sheet with esbuild (web/job/: the installer job page;
// web/invitation/: the invitation page, which shares the job page's style sheet) and writes them,
// minified and content-hashed, into lib/web/job-page-assets.gen.ts, a module every environment can import as is:
// the Lambda bundle (NodejsFunction/esbuild), the local runtime (tsx) and the tests (vitest). The
// function answers them from memory: no file system at run time, no asset copy step in the CDK app.
// test/unit/job-page-assets.test.ts fails when the committed module is not what this script builds.
//
//   npx tsx scripts/gen-job-page-assets.ts
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const GENERATED_MODULE = resolve(ROOT, 'lib/web/job-page-assets.gen.ts');

/** Browsers the page supports: current Chromium and WebKit on phones (iOS 15+ has <dialog>). */
const TARGETS = ['chrome100', 'safari15', 'firefox100'];

async function bundle(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [resolve(ROOT, entry)],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    target: TARGETS,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

function asset(name: string, ext: string, contentType: string, body: string) {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12);
  return { file: `${name}.${hash}.${ext}`, contentType, etag: `"${hash}"`, body };
}

const JS = 'text/javascript; charset=utf-8';

/** The module text: deterministic for the same sources and esbuild version. */
export async function generateJobPageAssets(): Promise<string> {
  const script = asset('app', 'js', JS, await bundle('web/job/app.ts'));
  const invitationScript = asset('invitation', 'js', JS, await bundle('web/invitation/app.ts'));
  const style = asset('app', 'css', 'text/css; charset=utf-8', await bundle('web/job/app.css'));
  return [
    '// Generated from web/job/app.ts, web/invitation/app.ts and web/job/app.css by esbuild. Do not edit; regenerate with: npx tsx scripts/gen-job-page-assets.ts',
    'export interface JobPageAsset { readonly file: string; readonly contentType: string; readonly etag: string; readonly body: string }',
    `export const JOB_PAGE_SCRIPT: JobPageAsset = ${JSON.stringify(script)};`,
    `export const INVITATION_PAGE_SCRIPT: JobPageAsset = ${JSON.stringify(invitationScript)};`,
    `export const JOB_PAGE_STYLE: JobPageAsset = ${JSON.stringify(style)};`,
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(GENERATED_MODULE, await generateJobPageAssets());
  console.log(`wrote ${GENERATED_MODULE}`);
}
