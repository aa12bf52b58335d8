// `npm start` as a person runs it: a child process, stopped with Ctrl-C (SIGINT), started again on
// the same data folder. The second start sees the first one's table, seed credentials and outbox.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aConnectedClient } from './support/ocpp';

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'cpc-persist-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(dir = dataDir): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', '--port', '0', '--data-dir', dir], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setInterval(() => {
      const m = /HTTP API\s+(http:\/\/\S+)\/api\/v1/.exec(out);
      if (m) {
        clearInterval(timer);
        resolveUrl(m[1]!);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${out}`));
    });
  });
  return { child, url, output: () => out };
}

async function stopWithCtrlC(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
}

describe('npm start data folder', () => {
  it('keeps the operator key, projects and outbox across a Ctrl-C and restart', async () => {
    chmodSync(dataDir, 0o755); // as a folder made by an earlier version, or under a loose umask
    const first = await start();
    const creds = JSON.parse(readFileSync(join(dataDir, 'local-credentials.json'), 'utf8')) as {
      operatorApiKey: string;
      projectId: string;
      jobLink: { token: string };
      chargePoints: Array<{ identity: string; password: string }>;
    };
    expect(first.output()).toContain(creds.operatorApiKey);
    // The demo job link is printed next to the demo credentials (issue #14).
    expect(first.output()).toMatch(new RegExp(`Job link\\s+${first.url.replace(/[.:/]/g, '\\$&')}/jobs/${creds.jobLink.token}`));
    const mail = await fetch(`${first.url}/v2/email/outbound-emails`, {
      method: 'POST',
      body: JSON.stringify({ FromEmailAddress: 'a@b.c', Destination: { ToAddresses: ['x@y.z'] }, Content: { Simple: { Subject: { Data: 'kept' } } } }),
    });
    expect(mail.status).toBe(200);
    expect(await stopWithCtrlC(first.child)).toBe(0);
    expect(first.output()).toContain('Stopped cleanly');
    // Mails and pending events hold tokens: the data folder is this user's alone.
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    const second = await start();
    try {
      expect(second.output()).toContain(creds.operatorApiKey);
      const res = await fetch(`${second.url}/api/v1/operator/projects`, { headers: { authorization: `Bearer ${creds.operatorApiKey}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { projects: Array<{ project_id: string; charge_points: { total: number } }> };
      expect(body.projects).toEqual([expect.objectContaining({ project_id: creds.projectId, charge_points: expect.objectContaining({ total: 2 }) })]);
      const outbox = (await (await fetch(`${second.url}/_local/outbox`)).json()) as { mails: Array<{ subject: string }> };
      expect(outbox.mails.map((m) => m.subject)).toEqual(['kept']);
      // The same job link, printed again and working: only its hash is in the table, the token is in the credentials file.
      expect(second.output()).toContain(`${second.url}/jobs/${creds.jobLink.token}`);
      const job = await fetch(`${second.url}/api/v1/public/jobs/${creds.jobLink.token}`);
      expect(job.status).toBe(200);
      const view = (await job.json()) as { job: { job_number: string }; summary: { text: string }; charge_points: Array<{ charge_point_id: string; serial: string }> };
      expect(view.job.job_number).toBe('JOB-0001');
      expect(view.summary.text).toBe('0 / 2 connected');
      // The demo passwords can be shown on the page (sealed copy, opened with the kept local KMS key).
      const demo = view.charge_points.find((c) => c.serial === creds.chargePoints[0]!.identity)!;
      const reveal = await fetch(`${second.url}/api/v1/public/jobs/${creds.jobLink.token}/charge-points/${demo.charge_point_id}/password/reveal`, { method: 'POST' });
      expect(((await reveal.json()) as { password: string }).password).toBe(creds.chargePoints[0]!.password);
    } finally {
      expect(await stopWithCtrlC(second.child)).toBe(0);
    }
  }, 120_000);
});

/** Java processes serving this data folder's DynamoDB files (not the sh wrapper around one). */
function processesUsing(dir: string): string[] {
  const out = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter((l) => /^\s*\d+\s+\S*java\s/.test(l) && l.includes(dir) && l.includes('DynamoDBLocal'));
}

describe('npm start killed outright', () => {
  it('takes DynamoDB Local down with it, and on the next start no connection from before counts as live', async () => {
    // Prepare: a demo charger connected to a runtime on its own data folder.
    const dir = mkdtempSync(join(tmpdir(), 'cpc-kill-'));
    try {
      const first = await start(dir);
      const creds = JSON.parse(readFileSync(join(dir, 'local-credentials.json'), 'utf8')) as {
        operatorApiKey: string;
        projectId: string;
        chargePoints: Array<{ identity: string; password: string; protocol: 'ocpp1.6' }>;
      };
      const cp = creds.chargePoints.find((c) => c.protocol === 'ocpp1.6')!;
      const charger = await aConnectedClient({ ocppUrl: first.url.replace(/^http/, 'ws') + '/ocpp' } as never, cp);
      charger.on('error', () => undefined);
      expect(processesUsing(dir)).toHaveLength(1);

      // Act: kill -9, no chance to clean up.
      const exited = new Promise((r) => first.child.once('exit', r));
      first.child.kill('SIGKILL');
      await exited;
      await charger.close({ force: true });
      for (let i = 0; i < 100 && processesUsing(dir).length; i++) await new Promise((r) => setTimeout(r, 100));

      // Assess: no orphan; the next start takes the folder and shows the charger disconnected.
      expect(processesUsing(dir)).toEqual([]);
      const second = await start(dir);
      try {
        const project = (await (
          await fetch(`${second.url}/api/v1/operator/projects/${creds.projectId}`, { headers: { authorization: `Bearer ${creds.operatorApiKey}` } })
        ).json()) as { charge_points: Array<{ charge_point_identity: string; integration_state: string }> };
        expect(project.charge_points.find((c) => c.charge_point_identity === cp.identity)?.integration_state).toBe('disconnected');

        // And a second npm start on the same folder refuses instead of running a second DynamoDB Local.
        await expect(start(dir)).rejects.toThrow(/Another npm start \(process \d+\) is using the data folder/);
        expect(processesUsing(dir)).toHaveLength(1);
      } finally {
        expect(await stopWithCtrlC(second.child)).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('npm start with a mistyped flag', () => {
  it('prints what was wrong and the usage, not a stack trace', () => {
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'local/main.ts', '--prot', '2.0.1'], { cwd: root, encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain("Unknown option '--prot'");
    expect(out.stderr).toContain('Usage: npm start -- [options]');
    expect(out.stderr).not.toMatch(/^\s+at /m);
  });
});
