// How every Lambda entry is bundled. Plain data with no aws-cdk-lib import, shared by the CDK
// construct (infra/constructs/app-function.ts) and scripts/bundle-sizes.ts, so the sizes the script
// reports are the sizes that get deployed.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: route and rule `entry` paths are relative to it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Lambda runtime the functions run on, and the matching esbuild target (DESIGN.md §4). */
export const LAMBDA_NODE_MAJOR = 22;

export const LAMBDA_BUNDLING = {
  platform: 'node',
  target: `node${LAMBDA_NODE_MAJOR}`,
  /** ES modules: tree-shaking of ESM dependencies (zod 4, the SDK) and top-level await if ever needed. */
  format: 'esm',
  /** Prefer a package's ES module build when it ships one. */
  mainFields: ['module', 'main'],
  minify: true,
  /** Source maps for readable stack traces (NODE_OPTIONS=--enable-source-maps), without embedded sources. */
  sourcemap: true,
  sourcesContent: false,
  /**
   * Nothing is left to the runtime: the nodejs22.x runtime ships *an* AWS SDK v3, but not every
   * package the code uses (`@aws-sdk/lib-dynamodb`, `util-dynamodb`, `s3-request-presigner` are not
   * promised) nor the versions the tests ran. Bundled and tree-shaken, the SDK also imports faster
   * than the runtime's full copy (see docs/benchmarks.md, cold start). test/infra/bundles.test.ts
   * imports every bundle from a folder with no node_modules to keep this true.
   */
  externalModules: [] as string[],
  /**
   * CommonJS dependencies bundled into an ES module still call `require` for Node built-ins
   * (node-forge, ajv's helpers); esbuild's shim needs a real `require` in scope.
   */
  banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
} as const;

/**
 * The house bundling as esbuild options, for scripts that bundle outside the CDK (bundle sizes,
 * cold-start benchmarks), so they build exactly what NodejsFunction deploys.
 */
export function lambdaEsbuildOptions() {
  return {
    bundle: true,
    platform: LAMBDA_BUNDLING.platform,
    target: LAMBDA_BUNDLING.target,
    format: LAMBDA_BUNDLING.format,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourcemap,
    sourcesContent: LAMBDA_BUNDLING.sourcesContent,
    external: [...LAMBDA_BUNDLING.externalModules],
    banner: { js: LAMBDA_BUNDLING.banner },
  };
}
