// Cold import of Lambda bundles, alone: bundle each entry as the CDK app deploys it (the bench's
// bundleEntries, infra/bundling.ts options), then time `import()` of the bundle in fresh `node`
// processes, one after another. No runtime, no DynamoDB, no first event: the part of a cold start
// that bundle size decides (issue #13 target: OCPP cold import < 100 ms). `npm run bench` measures
// the same import and the first event too, but only after its whole load run.
//
//   npm run cold-import                                         the OCPP entries, 9 runs each
//   npm run cold-import -- --entry functions/ocpp/message.ts --runs 15
//
// Timings depend on the machine and its load: compare figures taken side by side.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleEntries, IMPORT_ENVIRONMENT } from '../bench/lib/cold-start';
import { median } from '../bench/lib/stats';
import { REPO_ROOT } from '../infra/bundling';
import { lambdaEntries } from './bundle-sizes';

/**
 * Imports the bundle given as argument and prints how long `import()` took, in ms: wall time (what
 * a cold start waits) and the process's CPU time (user + system), which a loaded machine inflates
 * far less than wall time.
 */
const HARNESS = `const { pathToFileURL } = await import('node:url');
const c0 = process.cpuUsage();
const t0 = performance.now();
const mod = await import(pathToFileURL(process.argv[2]).href);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
if (typeof mod.handler !== 'function') throw new Error('no handler export');
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000 }) + '\\n');
`;

interface ImportTime {
  readonly ms: number;
  readonly cpuMs: number;
}

export function importOnce(harness: string, bundle: string): Promise<ImportTime> {
  return new Promise((done, reject) => {
    // The placeholder environment only: the bundle must not find this repository's node_modules or
    // the developer's AWS settings (cwd is the bundle folder).
    const env = { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', ...IMPORT_ENVIRONMENT };
    execFile(process.execPath, [harness, bundle], { env, cwd: resolve(bundle, '..'), timeout: 60_000 }, (err, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (err || !line) return reject(new Error(`import of ${bundle} failed: ${(stderr || err?.message || 'no output').slice(0, 400)}`));
      done(JSON.parse(line) as ImportTime);
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { entry: { type: 'string', multiple: true }, runs: { type: 'string' } }, strict: true });
  const runs = values.runs === undefined ? 9 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  const known = lambdaEntries();
  const entries = values.entry ?? known.filter((e) => e.startsWith('functions/ocpp/'));
  const unknown = entries.filter((e) => !known.includes(e));
  if (unknown.length) throw new Error(`not a Lambda entry: ${unknown.join(', ')} (entries are paths like functions/ocpp/message.ts)`);
  const outDir = join(REPO_ROOT, 'cdk.out', 'cold-import');
  const bundles = await bundleEntries(REPO_ROOT, entries, outDir);
  const harness = join(outDir, 'cold-import-harness.mjs');
  writeFileSync(harness, HARNESS);
  console.log(`cold import, ${runs} fresh node processes each (load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  for (const b of bundles) {
    const times: ImportTime[] = [];
    for (let i = 0; i < runs; i++) times.push(await importOnce(harness, b.file));
    const wall = times.map((t) => t.ms);
    const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
    console.log(
      `${b.entry.padEnd(32)} ${(b.bytes / 1024).toFixed(1).padStart(7)} KiB  import median ${fmt(median(wall))} (min ${fmt(Math.min(...wall))}, max ${fmt(Math.max(...wall))}), CPU median ${fmt(median(times.map((t) => t.cpuMs)))}`,
    );
  }
}
