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
  /**
   * A linked source map ships next to every bundle (without embedded sources) so a production stack
   * trace can be mapped, but Node does not load it by default: see LAMBDA_NODE_OPTIONS.
   */
  sourcemap: true,
  sourcesContent: false,
  /**
   * Lambda bundles take credentials from the environment only: lib/aws/lambda-credentials.ts says
   * why. Relative to the repository root (esbuild resolves alias targets in its working directory,
   * which is the root for the CDK's esbuild run and lambdaEsbuildOptions' absWorkingDir alike).
   */
  alias: { '@aws-sdk/credential-provider-node': './lib/aws/lambda-credentials.ts' },
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
 * NODE_OPTIONS of every function, and of the bench's cold starts. Empty: `--enable-source-maps`
 * makes Node parse the bundle's source map (1 MB for the OCPP message function) at import, which
 * measured +20–30 ms of cold import on the OCPP functions (docs/benchmarks.md), on every cold start,
 * to make the stack traces of rare errors readable. Decision: pay that only while investigating —
 * set NODE_OPTIONS=--enable-source-maps on the one function (a configuration change, the map is
 * already deployed next to the bundle), or map a logged stack offline with the deployed map.
 */
export const LAMBDA_NODE_OPTIONS: string = '';

/**
 * The house bundling as esbuild options, for scripts that bundle outside the CDK (bundle sizes,
 * cold-start benchmarks), so they build exactly what NodejsFunction deploys.
 */
export function lambdaEsbuildOptions() {
  return {
    bundle: true,
    absWorkingDir: REPO_ROOT,
    platform: LAMBDA_BUNDLING.platform,
    target: LAMBDA_BUNDLING.target,
    format: LAMBDA_BUNDLING.format,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourcemap,
    sourcesContent: LAMBDA_BUNDLING.sourcesContent,
    external: [...LAMBDA_BUNDLING.externalModules],
    alias: { ...LAMBDA_BUNDLING.alias },
    banner: { js: LAMBDA_BUNDLING.banner },
  };
}
