// infra/ reads lib/ as data only (route, rule and table definitions) and never imports runtime code,
// so nothing a Lambda bundles can reach the CDK app and nothing of the CDK app can reach a Lambda.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/bundling';

// Definitions the CDK app reads as data (no SDK, no runtime code): the route and rule tables, the table,
// the sealed-secret purposes the KMS grants are conditioned on, and the pure parser of a deploy setting
// (1.6 backoffice URL keys), so synth refuses what the functions would refuse at start, and the
// heartbeat interval's bounds (lib/ocpp/heartbeat.ts imports nothing), so synth refuses an interval
// the functions would ignore.
const ALLOWED_LIB_MODULES = ['lib/routes', 'lib/events/rules', 'lib/db/table', 'lib/webhooks/seal-purposes', 'lib/domain/backoffice-url-keys', 'lib/ocpp/heartbeat'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => relative(REPO_ROOT, resolve(file, '..', m[1]!)));
}

describe('infra boundaries', () => {
  const files = sourceFiles(resolve(REPO_ROOT, 'infra'));

  it.each(files.map((f) => relative(REPO_ROOT, f)))('%s imports only infra/ and the lib/ definitions', (file) => {
    for (const target of relativeImports(resolve(REPO_ROOT, file))) {
      expect(target.startsWith('infra/') || ALLOWED_LIB_MODULES.includes(target), `${file} imports ${target}`).toBe(true);
    }
  });

  it('keeps aws-cdk-lib out of lib/ and functions/', () => {
    for (const dir of ['lib', 'functions']) {
      for (const file of sourceFiles(resolve(REPO_ROOT, dir))) {
        expect(readFileSync(file, 'utf8'), relative(REPO_ROOT, file)).not.toMatch(/from '(aws-cdk-lib|constructs|cdk-nag)/);
      }
    }
  });
});
