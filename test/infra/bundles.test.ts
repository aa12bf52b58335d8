// Real esbuild bundles, built with the options the CDK app uses (infra/bundling.ts via
// scripts/bundle-sizes.ts). OCPP functions answer every charge point frame: they must not carry the
// PDF, signing and JWT libraries the installer API needs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_ENVIRONMENT } from '../../bench/lib/cold-start';
import { WS_ROUTES } from '../../lib/routes';
import { type BundleSize, lambdaEntries, measureBundle, measureBundles, packageOf } from '../../scripts/bundle-sizes';

// The SDK's credential chain beyond the environment (lib/aws/lambda-credentials.ts): SSO, ini files,
// credential_process, web identity, container/instance metadata and the STS/SSO clients they use.
const CREDENTIAL_CHAIN = [
  '@aws-sdk/credential-provider-node',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-login',
  '@smithy/credential-provider-imds',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
];
const CREDENTIALS_PROBE = 'test/infra/support/credentials-probe.ts';

// zxcvbn-ts: the password-strength dictionaries (~2 MB) belong to signup and password reset only.
const FORBIDDEN_IN_OCPP = ['pdf-lib', '@pdf-lib/', '@signpdf/', 'jose', 'node-forge', '@zxcvbn-ts/'];
const ocppEntries = lambdaEntries().filter((entry) => entry.startsWith('functions/ocpp/'));

describe('Lambda bundles', () => {
  let bundles: BundleSize[];
  // Every entry once (the clean-folder import below needs them all); the SDK makes this the slowest
  // part of the infra tests, so it gets more time than a synth.
  beforeAll(async () => {
    bundles = await measureBundles(lambdaEntries());
  }, 600_000);

  it('finds the OCPP entries, authorizers included, from the route table', () => {
    expect(ocppEntries.sort()).toEqual(WS_ROUTES.flatMap((r) => [r.entry, ...(r.authorizer ? [r.authorizer.entry] : [])]).sort());
  });

  it.each(ocppEntries)('%s bundles no PDF, signing or JWT library', (entry) => {
    const bundle = bundles.find((b) => b.entry === entry)!;
    const offending = bundle.packages.filter((p) => FORBIDDEN_IN_OCPP.some((f) => (f.endsWith('/') ? p.startsWith(f) : p === f)));
    expect(offending, `${entry} bundles ${offending.join(', ')}`).toEqual([]);
  });

  it.each(ocppEntries)('%s bundles the AWS SDK packages it uses instead of trusting the runtime to have them', (entry) => {
    const bundle = bundles.find((b) => b.entry === entry)!;
    expect(bundle.packages).toContain('@aws-sdk/client-dynamodb');
    expect(bundle.packages).toContain('@aws-sdk/lib-dynamodb');
    expect(bundle.sdkBytes).toBeGreaterThan(0);
    expect(bundle.inputs.some((i) => i.startsWith('functions/ocpp/'))).toBe(true);
  });

  it.each(lambdaEntries())('%s takes AWS credentials from the environment only, without the provider chain', (entry) => {
    const bundle = bundles.find((b) => b.entry === entry)!;
    const chain = bundle.packages.filter((p) => CREDENTIAL_CHAIN.includes(p));
    expect(chain, `${entry} bundles ${chain.join(', ')}`).toEqual([]);
  });

  it('a bundled client resolves the credentials Lambda puts in the environment, and fails loudly without them', async () => {
    const probe = await measureBundle(CREDENTIALS_PROBE);
    expect(probe.packages).toContain('@aws-sdk/credential-provider-env');
    expect(probe.packages.filter((p) => CREDENTIAL_CHAIN.includes(p))).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'bundles-credentials-'));
    try {
      const file = join(dir, 'index.mjs');
      writeFileSync(file, probe.code);
      const script = `const m = await import(${JSON.stringify(file)});
        try { console.log(JSON.stringify(await m.handler())); } catch (e) { console.log(JSON.stringify({ error: e.name + ': ' + e.message })); }`;
      const run = (env: Record<string, string>) => {
        const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, NODE_PATH: dir, HOME: dir, AWS_REGION: 'eu-west-1', ...env } });
        expect(child.status, child.stderr).toBe(0);
        return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as unknown;
      };
      // What Lambda sets from the execution role.
      expect(run({ AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' })).toEqual({ accessKeyId: 'ASIAEXAMPLE', sessionToken: 'session' });
      // A profile is not looked up (the ini provider is not in the bundle): the environment or nothing.
      writeFileSync(join(dir, 'credentials'), '[default]\naws_access_key_id = AKIAFROMFILE\naws_secret_access_key = secret\n');
      expect(run({ AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true' })).toEqual({ error: expect.stringContaining('Unable to find environment variable credentials') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('names the package of a bundled module', () => {
    expect(packageOf('node_modules/pdf-lib/cjs/index.js')).toBe('pdf-lib');
    expect(packageOf('node_modules/@signpdf/signpdf/dist/signpdf.js')).toBe('@signpdf/signpdf');
    expect(packageOf('node_modules/a/node_modules/jose/dist/index.js')).toBe('jose');
    expect(packageOf('lib/ocpp/codec.ts')).toBeUndefined();
  });

  it('every Lambda bundle imports in a clean folder with no node_modules, as the runtime will load it', () => {
    const all = bundles;
    const dir = mkdtempSync(join(tmpdir(), 'bundles-clean-'));
    try {
      const files = all.map((b, i) => {
        const folder = join(dir, String(i));
        mkdirSync(folder);
        writeFileSync(join(folder, 'index.mjs'), b.code);
        return { entry: b.entry, file: join(folder, 'index.mjs') };
      });
      // One child imports them all and reports which failed and why; it has no path to this repo's
      // node_modules (cwd and NODE_PATH are the clean folder), so a missing package fails the import.
      const script = `const files = ${JSON.stringify(files)}; const failed = [];
        for (const f of files) { try { const m = await import(f.file); if (typeof m.handler !== 'function') failed.push(f.entry + ': no handler export'); } catch (e) { failed.push(f.entry + ': ' + e.message); } }
        console.log(JSON.stringify(failed));`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, NODE_PATH: dir, AWS_REGION: 'eu-west-1', ...IMPORT_ENVIRONMENT },
      });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
