// The README's "installer journey with curl" and "remote start to a billed session with curl" are
// run as written, one after the other in one bash (the second continues from the first's
// variables and simulator): the ```bash blocks are taken from README.md (so they cannot drift), pointed at a local runtime on a free port (only the `B=`
// line changes) and run with bash in a scratch folder holding the runtime's fresh `.data`. It needs
// curl, jq and pdfsig, as the README says (`.ci/run` installs them).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { startTestRuntime } from './support/runtime';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'cpc-readme-'));
let rt: LocalRuntime;

beforeAll(async () => {
  // `npm run simulate` in the walkthrough runs from this folder, as it would from a checkout.
  for (const name of ['package.json', 'node_modules', 'scripts', 'lib', 'tsconfig.json']) symlinkSync(join(root, name), join(work, name));
  rt = await startTestRuntime({ inMemory: false, dataDir: join(work, '.data') });
});
afterAll(async () => {
  await rt?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The first ```bash block under the README heading `## {title}`. */
function bashBlock(readme: string, title: string): string {
  const section = readme.indexOf(`## ${title}\n`);
  const start = readme.indexOf('```bash\n', section);
  const end = readme.indexOf('\n```', start + 1);
  if (section < 0 || start < 0 || end < 0) throw new Error(`README.md has no bash block under "${title}"`);
  return readme.slice(start + '```bash\n'.length, end + 1);
}

function walkthroughScript(readme: string): string {
  return bashBlock(readme, 'The installer journey with curl') + bashBlock(readme, 'A remote start to a billed session with curl') + bashBlock(readme, "A private customer's location with curl") + bashBlock(readme, 'Site devices and power at a location with curl');
}

/** Runs bash in its own process group and, when it is done, ends that group: the walkthrough leaves the simulator running in the background. */
function runBash(script: string, cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, detached: true, env: { ...process.env, LOG_LEVEL: 'warn' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const endGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // the group has already gone
      }
    };
    const timer = setTimeout(endGroup, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      endGroup();
      resolveRun({ code, output });
    });
  });
}

describe('README walkthrough', () => {
  it('runs "The installer journey with curl", "A remote start to a billed session", "A private customer\'s location" and "Site devices and power" as written: a certificate pdfsig calls valid, a session billed in EUR, a location its owner accepted, a card learned, a charger balanced', async () => {
    const script = walkthroughScript(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(script).toMatch(/^B=http:\/\/localhost:3000$/m);
    const { code, output } = await runBash(script.replace(/^B=http:\/\/localhost:3000$/m, `B=${rt.url}`), work, 360_000);
    expect(code, output).toBe(0);
    expect(output).toMatch(/"status":"completed"/);
    expect(JSON.parse(readFileSync(join(work, 'handover.json'), 'utf8'))).toMatchObject({ status: 'handed_over', handover_certificate_url: expect.any(String) });
    expect(output).toMatch(/Signature is Valid/);
    // The last line the walkthrough prints is the ended session (jq -c): billed, in EUR, for what was metered.
    // (curl's answers have no newline, so the session is found by its first field, up to the line's end.)
    const session = JSON.parse([...output.matchAll(/\{"status":.*$/gm)].at(-1)?.[0] ?? 'null') as {
      status: string;
      payment_method: string;
      energy_wh: number;
      cost: { currency: string; total_minor: number; vat_minor: number };
    } | null;
    expect(session, output).toMatchObject({ status: 'ended', start_source: 'remote', payment_method: 'user', cost: { currency: 'EUR' } });
    expect(session!.energy_wh, output).toBeGreaterThanOrEqual(2000);
    expect(session!.cost.total_minor, output).toBeGreaterThan(0);
    expect(session!.cost.vat_minor, output).toBeGreaterThan(0);
    // The location: handed to its owner through the invitation (its QR code saved), the installer kept on for good.
    expect(readFileSync(join(work, 'invitation.svg'), 'utf8')).toMatch(/^<svg[^>]*>/);
    expect(output).toContain('{"kind":"team_owner","role":"owner"}');
    expect(output).toMatch(/"may_configure":true/);
    expect(output).toContain('{"role":"location_installer","full_access_until":null}');
    // Site devices and power: a wrong PIN refused, the card held to the reader learned, the charging
    // car's profile what the fuse leaves after the meter's L1 reading.
    expect(output).toContain('{"serial_number":"VT-0003","model":"Source 2"}');
    expect(output).toContain('{"mode":"dynamic","fuse_a":25,"margin_a":2}');
    expect(output).toMatch(/\{"detail":"[^"]*","status":422\}/);
    expect(output).toContain(`{"name":"Hanne's card","id_token":"04C0FFEE12","owner":"team"}`);
    expect(output).toContain('"limit":{"limit_a":11,"reason":"charging"}');
    // PowerBank: the home in the GB zone, the charger signed up by its owner, an activation that
    // the charging charger accepted with a TxProfile between 6 A and the site's 11 A.
    expect(output).toContain('{"country":"GB","zone":"GB"}');
    expect(output).toContain('{"eligibility":"eligible","enrolment":"enrolled"}');
    const activation = /\{"asked":1,"accepted":1,"planned_shed_kw":[\d.]+,"limit_a":([\d.]+),"activation":"active"\}/.exec(output);
    expect(activation, output).not.toBeNull();
    expect(Number(activation![1])).toBeGreaterThanOrEqual(6);
    expect(Number(activation![1])).toBeLessThan(11);
  }, 400_000);
});
