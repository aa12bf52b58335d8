// `npm start` as a person runs it: a child process, stopped with Ctrl-C (SIGINT), started again on
// the same data folder. The second start sees the first one's table, seed credentials and outbox.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'cpc-persist-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', '--port', '0', '--data-dir', dataDir], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn' } });
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
    const first = await start();
    const creds = JSON.parse(readFileSync(join(dataDir, 'local-credentials.json'), 'utf8')) as { operatorApiKey: string; projectId: string };
    expect(first.output()).toContain(creds.operatorApiKey);
    const mail = await fetch(`${first.url}/v2/email/outbound-emails`, {
      method: 'POST',
      body: JSON.stringify({ FromEmailAddress: 'a@b.c', Destination: { ToAddresses: ['x@y.z'] }, Content: { Simple: { Subject: { Data: 'kept' } } } }),
    });
    expect(mail.status).toBe(200);
    expect(await stopWithCtrlC(first.child)).toBe(0);
    expect(first.output()).toContain('Stopped cleanly');

    const second = await start();
    try {
      expect(second.output()).toContain(creds.operatorApiKey);
      const res = await fetch(`${second.url}/api/v1/operator/projects`, { headers: { authorization: `Bearer ${creds.operatorApiKey}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { projects: Array<{ project_id: string; charge_points: { total: number } }> };
      expect(body.projects).toEqual([expect.objectContaining({ project_id: creds.projectId, charge_points: expect.objectContaining({ total: 2 }) })]);
      const outbox = (await (await fetch(`${second.url}/_local/outbox`)).json()) as { mails: Array<{ subject: string }> };
      expect(outbox.mails.map((m) => m.subject)).toEqual(['kept']);
    } finally {
      expect(await stopWithCtrlC(second.child)).toBe(0);
    }
  }, 120_000);
});
