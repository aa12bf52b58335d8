// Bundles every route and rule entry exactly as the CDK app does (infra/bundling.ts) and reports
// each function's size and the packages inside it.
//
//   npm run bundle-sizes            a table, largest first
//   npm run bundle-sizes -- --json  the same as JSON
//   npm run bundle-sizes -- --entry functions/ocpp/message.ts --top 25
//                                   one entry, and the 25 modules and packages that weigh most in it
//
// "Our code" is every bundled module outside node_modules: the handlers, lib/ and the generated
// validators (lib/ocpp/validators/*.gen.js), which are shown apart because they dominate the OCPP
// message bundle. Issue #13's target (message bundle < 150 KB of our code) is measured on it.
//
// test/infra/bundles.test.ts uses measureBundles() to keep heavy libraries out of OCPP functions.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
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
  /** Minified bytes of our code: every module outside node_modules, generated ones included. */
  readonly ownBytes: number;
  /** Of ownBytes, the generated modules (`*.gen.js` / `*.gen.ts`: OCPP validators and schemas). */
  readonly generatedBytes: number;
  /** Minified bytes of each bundled module, largest first (not in the JSON report). */
  readonly modules: readonly ModuleBytes[];
  /** The bundle itself, as deployed (not in the JSON report). */
  readonly code: string;
}

export interface ModuleBytes {
  /** Relative to the repository root, as esbuild names it. */
  readonly input: string;
  readonly bytes: number;
}

const SDK_PACKAGE = /^@(aws-sdk|smithy|aws-crypto|aws)\//;
const GENERATED = /\.gen\.[cm]?[jt]s$/;

/** Where a bundled module comes from: the AWS SDK, another npm package, or our code (generated or written). */
export function originOf(input: string): 'sdk' | 'package' | 'generated' | 'own' {
  const pkg = packageOf(input);
  if (pkg !== undefined) return SDK_PACKAGE.test(pkg) ? 'sdk' : 'package';
  return GENERATED.test(input) ? 'generated' : 'own';
}

/** Minified bytes by origin; `ownBytes` includes `generatedBytes`. */
export function bytesByOrigin(modules: readonly ModuleBytes[]): { sdkBytes: number; packageBytes: number; ownBytes: number; generatedBytes: number } {
  const sum = (pick: (m: ModuleBytes) => boolean) => modules.filter(pick).reduce((total, m) => total + m.bytes, 0);
  const generatedBytes = sum((m) => originOf(m.input) === 'generated');
  return {
    sdkBytes: sum((m) => originOf(m.input) === 'sdk'),
    packageBytes: sum((m) => originOf(m.input) === 'package'),
    ownBytes: sum((m) => originOf(m.input) === 'own') + generatedBytes,
    generatedBytes,
  };
}

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
  const [size] = await measureBundles([entry]);
  return size!;
}

/**
 * Bundles `entries` (default: every Lambda entry) in ONE esbuild build, results in the order given.
 * Each entry still gets its own bundle, exactly as the CDK app builds it alone (no code splitting);
 * what one build saves is parsing the shared modules (the AWS SDK above all) once instead of once per
 * function, which made bundling ~120 functions the slowest part of the infra tests.
 */
export async function measureBundles(entries: readonly string[] = lambdaEntries()): Promise<BundleSize[]> {
  const result = await build({
    entryPoints: entries.map((entry) => resolve(REPO_ROOT, entry)),
    outdir: resolve(REPO_ROOT, 'cdk.out/bundle-sizes'),
    outbase: REPO_ROOT,
    outExtension: { '.js': '.mjs' },
    ...lambdaEsbuildOptions(),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const { inputs: graph, outputs } = result.metafile;
  return entries.map((entry) => {
    const [outPath, output] = Object.entries(outputs).find(([, o]) => o.entryPoint === entry) ?? [];
    const js = outPath ? result.outputFiles.find((file) => file.path === resolve(REPO_ROOT, outPath)) : undefined;
    if (!output || !js) throw new Error(`${entry}: esbuild produced no JavaScript`);
    // Every module the entry imports, tree-shaken or not (what a build of this entry alone lists).
    const reached = new Set<string>([entry]);
    for (const path of reached) for (const i of graph[path]?.imports ?? []) if (!i.external && graph[i.path]) reached.add(i.path);
    const inputs = [...reached].sort();
    const packages = [...new Set(inputs.map(packageOf).filter((p): p is string => p !== undefined))].sort();
    const modules = Object.entries(output.inputs)
      .map(([input, i]) => ({ input, bytes: i.bytesInOutput }))
      .filter((m) => m.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes || a.input.localeCompare(b.input));
    const { sdkBytes, ownBytes, generatedBytes } = bytesByOrigin(modules);
    return { entry, bytes: js.contents.byteLength, gzipBytes: gzipSync(js.contents).byteLength, inputs, packages, sdkBytes, ownBytes, generatedBytes, modules, code: js.text };
  });
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function formatTable(sizes: readonly BundleSize[]): string {
  const rows = [...sizes].sort((a, b) => b.bytes - a.bytes);
  const width = Math.max(5, ...rows.map((r) => r.entry.length));
  const cols = ['minified', 'of it SDK', 'our code', 'generated', 'gzip'];
  const lines = [`${'entry'.padEnd(width)}  ${cols.map((c) => c.padStart(11)).join('  ')}  packages`];
  for (const r of rows) {
    const own = r.packages.filter((p) => !SDK_PACKAGE.test(p));
    const cells = [r.bytes, r.sdkBytes, r.ownBytes, r.generatedBytes, r.gzipBytes].map((b) => kib(b).padStart(11));
    lines.push(`${r.entry.padEnd(width)}  ${cells.join('  ')}  ${own.join(', ') || '-'}`);
  }
  const total = rows.reduce((sum, r) => sum + r.bytes, 0);
  lines.push(`${rows.length} functions, ${kib(total)} minified in total (the AWS SDK packages they use are bundled; listed packages exclude them)`);
  lines.push('our code: modules outside node_modules, of it generated: *.gen.* (OCPP validators); the rest of "minified" is other npm packages');
  return lines.join('\n');
}

/** The `top` modules and npm packages (our code as one line per module) that weigh most in one bundle. */
export function formatTop(size: BundleSize, top: number): string {
  const byPackage = new Map<string, number>();
  for (const m of size.modules) {
    const key = packageOf(m.input) ?? `${m.input} (${originOf(m.input)})`;
    byPackage.set(key, (byPackage.get(key) ?? 0) + m.bytes);
  }
  const { packageBytes } = bytesByOrigin(size.modules);
  const row = (bytes: number, what: string) => `${kib(bytes).padStart(11)}  ${(((bytes / size.bytes) * 100).toFixed(1) + '%').padStart(6)}  ${what}`;
  return [
    `${size.entry}: ${kib(size.bytes)} minified = ${kib(size.sdkBytes)} AWS SDK + ${kib(packageBytes)} other packages + ${kib(size.ownBytes)} our code (${kib(size.generatedBytes)} of it generated); the rest is esbuild's glue`,
    `Top ${top} modules:`,
    ...size.modules.slice(0, top).map((m) => row(m.bytes, m.input)),
    `Top ${top} packages (our modules one by one):`,
    ...[...byPackage].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, top).map(([what, bytes]) => row(bytes, what)),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, entry: { type: 'string', multiple: true }, top: { type: 'string' } }, strict: true });
  const top = values.top === undefined ? undefined : Number(values.top);
  if (top !== undefined && !(Number.isInteger(top) && top > 0)) throw new Error(`--top must be a positive integer, got ${values.top}`);
  const known = lambdaEntries();
  const unknown = (values.entry ?? []).filter((e) => !known.includes(e));
  if (unknown.length) throw new Error(`not a Lambda entry: ${unknown.join(', ')} (entries are paths like functions/ocpp/message.ts)`);
  const sizes = await measureBundles(values.entry ?? known);
  if (values.json) {
    console.log(JSON.stringify(sizes.map(({ inputs: _inputs, code: _code, modules, ...rest }) => (top ? { ...rest, modules: modules.slice(0, top) } : rest)), null, 2));
  } else {
    console.log(formatTable(sizes));
    if (top) for (const size of sizes) console.log(`\n${formatTop(size, top)}`);
  }
}
