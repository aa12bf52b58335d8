// Bundles every route and rule entry exactly as the CDK app does (infra/bundling.ts) and reports
// each function's size and the packages inside it.
//
//   npm run bundle-sizes            a table, largest first
//   npm run bundle-sizes -- --json  the same as JSON
//
// test/infra/bundles.test.ts uses measureBundles() to keep heavy libraries out of OCPP functions.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { lambdaEsbuildOptions, REPO_ROOT } from '../infra/bundling';
import { EVENT_RULES } from '../lib/events/rules';
import { ROUTES } from '../lib/routes';

export interface BundleSize {
  /** Entry path relative to the repository root, as in the route/rule table. */
  readonly entry: string;
  /** Minified JavaScript, without the source map. */
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Every module in the bundle, relative to the repository root (e.g. `node_modules/zod/v4/…`). */
  readonly inputs: readonly string[];
  /** npm packages bundled in (`zod`, `@middy/core`, …), sorted. */
  readonly packages: readonly string[];
  /** Minified bytes that come from the AWS SDK (`@aws-sdk/*`, `@smithy/*`, `@aws-crypto/*`). */
  readonly sdkBytes: number;
  /** The bundle itself, as deployed (not in the JSON report). */
  readonly code: string;
}

const SDK_PACKAGE = /^@(aws-sdk|smithy|aws-crypto|aws)\//;

/** Every Lambda entry the CDK app deploys: route table and rule table, deduplicated. */
export function lambdaEntries(): string[] {
  const authorizers = ROUTES.flatMap((r) => (r.kind === 'ws' && r.authorizer ? [r.authorizer.entry] : []));
  return [...new Set([...ROUTES.map((r) => r.entry), ...authorizers, ...EVENT_RULES.map((r) => r.entry)])];
}

/** The npm package a bundled module belongs to, or undefined for the project's own code. */
export function packageOf(input: string): string | undefined {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at === -1) return undefined;
  const name = parts[at + 1];
  if (!name) return undefined;
  return name.startsWith('@') ? `${name}/${parts[at + 2] ?? ''}` : name;
}

export async function measureBundle(entry: string): Promise<BundleSize> {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [resolve(REPO_ROOT, entry)],
    outfile: resolve(REPO_ROOT, 'cdk.out/bundle-sizes', entry.replace(/\.[cm]?ts$/, ''), 'index.mjs'),
    ...lambdaEsbuildOptions(),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
  if (!js) throw new Error(`${entry}: esbuild produced no JavaScript`);
  const inputs = Object.keys(result.metafile.inputs).sort();
  const packages = [...new Set(inputs.map(packageOf).filter((p): p is string => p !== undefined))].sort();
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const sdkBytes = Object.entries(output?.inputs ?? {})
    .filter(([input]) => SDK_PACKAGE.test(packageOf(input) ?? ''))
    .reduce((sum, [, i]) => sum + i.bytesInOutput, 0);
  return { entry, bytes: js.contents.byteLength, gzipBytes: gzipSync(js.contents).byteLength, inputs, packages, sdkBytes, code: js.text };
}

/** Bundles `entries` (default: every Lambda entry) concurrently; results in the order given. */
export async function measureBundles(entries: readonly string[] = lambdaEntries()): Promise<BundleSize[]> {
  return Promise.all(entries.map((entry) => measureBundle(entry)));
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function formatTable(sizes: readonly BundleSize[]): string {
  const rows = [...sizes].sort((a, b) => b.bytes - a.bytes);
  const width = Math.max(5, ...rows.map((r) => r.entry.length));
  const lines = [`${'entry'.padEnd(width)}  ${'minified'.padStart(11)}  ${'of it SDK'.padStart(11)}  ${'gzip'.padStart(10)}  packages`];
  for (const r of rows) {
    const own = r.packages.filter((p) => !SDK_PACKAGE.test(p));
    lines.push(`${r.entry.padEnd(width)}  ${kib(r.bytes).padStart(11)}  ${kib(r.sdkBytes).padStart(11)}  ${kib(r.gzipBytes).padStart(10)}  ${own.join(', ') || '-'}`);
  }
  const total = rows.reduce((sum, r) => sum + r.bytes, 0);
  lines.push(`${rows.length} functions, ${kib(total)} minified in total (the AWS SDK packages they use are bundled; listed packages exclude them)`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const sizes = await measureBundles();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(sizes.map(({ inputs: _inputs, code: _code, ...rest }) => rest), null, 2));
  } else {
    console.log(formatTable(sizes));
  }
}
