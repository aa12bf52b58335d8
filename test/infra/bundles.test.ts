// Real esbuild bundles, built with the options the CDK app uses (infra/bundling.ts via
// scripts/bundle-sizes.ts). OCPP functions answer every charge point frame: they must not carry the
// PDF, signing and JWT libraries the installer API needs.
import { beforeAll, describe, expect, it } from 'vitest';
import { WS_ROUTES } from '../../lib/routes';
import { type BundleSize, lambdaEntries, measureBundles, packageOf } from '../../scripts/bundle-sizes';

const FORBIDDEN_IN_OCPP = ['pdf-lib', '@pdf-lib/', '@signpdf/', 'jose', 'node-forge'];
const ocppEntries = lambdaEntries().filter((entry) => entry.startsWith('functions/ocpp/'));

describe('Lambda bundles', () => {
  let bundles: BundleSize[];
  beforeAll(async () => {
    bundles = await measureBundles(ocppEntries);
  });

  it('finds the OCPP entries from the route table', () => {
    expect(ocppEntries.sort()).toEqual(WS_ROUTES.map((r) => r.entry).sort());
  });

  it.each(ocppEntries)('%s bundles no PDF, signing or JWT library', (entry) => {
    const bundle = bundles.find((b) => b.entry === entry)!;
    const offending = bundle.packages.filter((p) => FORBIDDEN_IN_OCPP.some((f) => (f.endsWith('/') ? p.startsWith(f) : p === f)));
    expect(offending, `${entry} bundles ${offending.join(', ')}`).toEqual([]);
  });

  it.each(ocppEntries)('%s leaves the AWS SDK to the runtime and stays a small, self-contained ES module', (entry) => {
    const bundle = bundles.find((b) => b.entry === entry)!;
    expect(bundle.packages.filter((p) => p.startsWith('@aws-sdk/'))).toEqual([]);
    expect(bundle.inputs.some((i) => i.startsWith('functions/ocpp/'))).toBe(true);
    expect(bundle.bytes).toBeGreaterThan(1_000);
  });

  it('names the package of a bundled module', () => {
    expect(packageOf('node_modules/pdf-lib/cjs/index.js')).toBe('pdf-lib');
    expect(packageOf('node_modules/@signpdf/signpdf/dist/signpdf.js')).toBe('@signpdf/signpdf');
    expect(packageOf('node_modules/a/node_modules/jose/dist/index.js')).toBe('jose');
    expect(packageOf('lib/ocpp/codec.ts')).toBeUndefined();
  });
});
