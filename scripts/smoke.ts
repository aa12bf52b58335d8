// The installer journey end to end against any deployment, as a smoke test:
//
//   npm run smoke -- --api <https url> --ocpp <wss url> --api-key <operator key> [--table <name>] [--webhook-url <https url>]
//
// Creates a throwaway team, site and project; an installer who signs up, is verified (from the
// local outbox when the deployment has one, else with the admin command, which needs --table and
// AWS credentials) and logs in; two simulated charge points (OCPP 1.6 and 2.0.1, scripts/lib/charger.ts)
// that connect through the real OCPP URL and are commissioned (TriggerMessage, password rotation,
// an Accepted boot, a reconnect with the new password); the checklist; the handover; the
// certificate's signature (poppler's pdfsig) and names (pdftotext); and, with --webhook-url, that
// the webhooks reached that receiver. Then it cleans up what the API can remove and prints every
// step with its time. `npm test` runs it against the local runtime (test/integration/smoke.test.ts).
//
// Emails go to the SES mailbox simulator (success+…@simulator.amazonses.com): accepted in the SES
// sandbox, no bounces, no mail to a real person. Names are Polish, Danish, Greek and Cyrillic so
// the certificate's fonts are checked too.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { verifyInstaller } from './admin';
import { type ChargerProtocol, SimulatedCharger } from './lib/charger';

export interface SmokeOptions {
  /** Base URL of the HTTP API, without /api/v1 (e.g. https://api.example.com). */
  readonly api: string;
  /** The OCPP WebSocket URL without the identity (wss://…/ocpp). @default - the ocpp_endpoint the API returns */
  readonly ocpp?: string;
  /** An operator API key. */
  readonly apiKey: string;
  /** DynamoDB table for the admin verify-installer command, when the deployment has no outbox. */
  readonly table?: string;
  /** A receiver the webhooks are sent to; its deliveries must succeed. @default - no webhook step */
  readonly webhookUrl?: string;
  /** Verify the installer with the admin command even when an outbox exists. @default false */
  readonly forceAdminVerify?: boolean;
  /** How long one waiting step (mail, commissioning, deliveries) may take. @default 60000 */
  readonly waitMs?: number;
  /** Each finished step, as it finishes. @default - print to stdout */
  readonly report?: (step: StepResult) => void;
}

export interface StepResult {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail: string;
}

export interface SmokeResult {
  readonly ok: boolean;
  readonly steps: readonly StepResult[];
}

interface Api {
  <T = Record<string, unknown>>(method: string, path: string, opts?: { token?: string; body?: unknown; expect?: number }): Promise<T>;
  raw(path: string): Promise<Response>;
}

function apiClient(base: string): Api {
  const call = async <T>(method: string, path: string, opts: { token?: string; body?: unknown; expect?: number } = {}): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const text = await res.text();
    const expected = opts.expect ?? (method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200);
    if (res.status !== expected) throw new Error(`${method} ${path} answered ${res.status} (expected ${expected}): ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  return Object.assign(call, { raw: (path: string) => fetch(`${base}${path}`) });
}

const CHECKLIST = ['meter_calibration', 'emergency_stop_tested', 'cable_management_inspected', 'enclosure_ip_rating_inspected', 'site_owner_briefed'] as const;

/** Names that WinAnsi fonts cannot print: the certificate must show them as written. */
const NAMES = { installer: 'Łukasz Żółć', site: 'Ærøskøbing Havn', owner: 'Дмитрий Smoke', street: 'Σοφία 3' } as const;

async function poll<T>(what: string, waitMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + waitMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`${what}: not within ${waitMs} ms${last ? ` (${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function poppler(tool: 'pdfsig' | 'pdftotext', pdf: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'smoke-cert-'));
  try {
    const file = join(dir, 'handover.pdf');
    writeFileSync(file, pdf);
    const out = spawnSync(tool, tool === 'pdftotext' ? ['-enc', 'UTF-8', file, '-'] : [file], { encoding: 'utf8' });
    if (out.error) throw new Error(`${tool} failed to run (${out.error.message}); install poppler-utils`);
    return `${out.stdout}${out.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printStep(step: StepResult): void {
  const mark = step.ok ? '✔' : '✖';
  console.log(`${mark} ${step.name.padEnd(58)} ${String(step.ms).padStart(6)} ms  ${step.detail}`);
}

/** Runs the journey; never throws for a failed step (it is reported and the rest is skipped), always cleans up. */
export async function runSmoke(options: SmokeOptions): Promise<SmokeResult> {
  const base = options.api.replace(/\/+$/, '');
  const api = apiClient(base);
  const op = options.apiKey;
  const waitMs = options.waitMs ?? 60_000;
  const report = options.report ?? printStep;
  const steps: StepResult[] = [];
  const run = randomBytes(4).toString('hex');
  const email = `success+smoke-${run}@simulator.amazonses.com`;
  const password = `Smoke-${randomBytes(9).toString('base64url')}-42`;
  const chargers: SimulatedCharger[] = [];
  const cleanups: Array<{ name: string; run: () => Promise<string> }> = [];
  const state: { projectId?: string; token?: string; subscriptionId?: string; cps: Array<{ id: string; identity: string; protocol: ChargerProtocol; endpoint: string; password: string }> } = { cps: [] };

  const step = async (name: string, fn: () => Promise<string>): Promise<boolean> => {
    const started = performance.now();
    let result: StepResult;
    try {
      result = { name, ok: true, ms: 0, detail: await fn() };
    } catch (err) {
      result = { name, ok: false, ms: 0, detail: (err as Error).message };
    }
    result = { ...result, ms: Math.round(performance.now() - started) };
    steps.push(result);
    report(result);
    return result.ok;
  };

  const journey: Array<[string, () => Promise<string>]> = [
    ['API reachable (OpenAPI document)', async () => {
      const doc = await api<{ openapi: string }>('GET', '/api/openapi.json');
      return `OpenAPI ${doc.openapi} at ${base}`;
    }],
    ['create team, site and project', async () => {
      const team = await api<{ team_id: string }>('POST', '/api/v1/operator/teams', { token: op, body: { name: `Smoke ${run} ${NAMES.owner}`, owner_email: `success+smoke-owner-${run}@simulator.amazonses.com` } });
      const site = await api<{ site_id: string }>('POST', '/api/v1/operator/sites', { token: op, body: { team_id: team.team_id, name: NAMES.site, address: `${NAMES.street}, Smoke`, country: 'DK' } });
      const project = await api<{ project_id: string }>('POST', '/api/v1/operator/projects', { token: op, body: { job_number: `SMOKE-${run}`, name: `Smoke test ${run}`, site_id: site.site_id, instructions: 'Created by npm run smoke; safe to ignore.' } });
      state.projectId = project.project_id;
      return `${team.team_id}, ${site.site_id}, ${project.project_id}`;
    }],
    ...(options.webhookUrl
      ? [['subscribe a webhook', async () => {
          const sub = await api<{ id: string }>('POST', '/api/v1/operator/webhooks', { token: op, body: { url: options.webhookUrl, event_types: ['commissioning.completed', 'project.handed_over'], description: `npm run smoke ${run}` } });
          state.subscriptionId = sub.id;
          cleanups.push({ name: 'delete the webhook subscription', run: async () => (await api('DELETE', `/api/v1/operator/webhooks/${sub.id}`, { token: op }), sub.id) });
          return `${sub.id} → ${options.webhookUrl}`;
        }] as [string, () => Promise<string>]]
      : []),
    ['assign an installer by email', async () => {
      await api('POST', `/api/v1/operator/projects/${state.projectId}/installers`, { token: op, body: { email } });
      cleanups.push({ name: 'unassign the installer', run: async () => (await api('DELETE', `/api/v1/operator/projects/${state.projectId}/installers/${encodeURIComponent(email)}`, { token: op }), email) });
      return email;
    }],
    ['installer signs up', async () => {
      // 202 whatever the email (no account-existence oracle): the account shows in the next step.
      const res = await api<{ status: string }>('POST', '/api/v1/installer/signup', { body: { email, password, name: NAMES.installer }, expect: 202 });
      return res.status;
    }],
    ['installer is verified', async () => {
      const outbox = options.forceAdminVerify ? undefined : await api.raw(`/_local/outbox?to=${encodeURIComponent(email)}`);
      if (outbox?.ok) {
        const token = await poll('verification mail in the outbox', waitMs, async () => {
          const res = await api<{ mails: Array<{ text?: string }> }>('GET', `/_local/outbox?to=${encodeURIComponent(email)}`);
          return res.mails.map((m) => /Verification token: (\S+)/.exec(m.text ?? '')?.[1]).find(Boolean);
        });
        await api('POST', '/api/v1/installer/verify-email', { body: { token, password }, expect: 200 });
        return 'token read from the local outbox';
      }
      if (!options.table) throw new Error(`no outbox at ${base}/_local/outbox: pass --table <DynamoDB table> (with AWS credentials) so the admin command can verify the installer`);
      const res = await verifyInstaller({ email, table: options.table });
      return `admin verify-installer on table ${options.table} (${res.installer_id})`;
    }],
    ['installer logs in and sees the project', async () => {
      const login = await api<{ access_token: string }>('POST', '/api/v1/installer/login', { body: { email, password }, expect: 200 });
      state.token = login.access_token;
      const list = await api<{ projects: Array<{ project_id: string }> }>('GET', '/api/v1/installer/projects', { token: state.token });
      if (!list.projects.some((p) => p.project_id === state.projectId)) throw new Error(`project ${state.projectId} is not in the installer's list`);
      return `${list.projects.length} project(s)`;
    }],
    ['register an OCPP 1.6 and a 2.0.1 charge point', async () => {
      for (const protocol of ['ocpp1.6', 'ocpp2.0.1'] as const) {
        const serial = `SMOKE-${run}-${protocol === 'ocpp1.6' ? '16' : '201'}`.toUpperCase();
        const reg = await api<{ charge_point_id: string; charge_point_identity: string; ocpp_endpoint: string; provisioning_password: string }>(
          'POST',
          `/api/v1/installer/projects/${state.projectId}/charge-points`,
          { token: state.token, body: { serial_number: serial, ocpp_protocol: protocol, connector_count: 2 } },
        );
        state.cps.push({ id: reg.charge_point_id, identity: reg.charge_point_identity, protocol, endpoint: reg.ocpp_endpoint, password: reg.provisioning_password });
      }
      return state.cps.map((cp) => `${cp.identity} (${cp.protocol})`).join(', ');
    }],
    ['charge points connect; boot is Pending', async () => {
      for (const cp of state.cps) {
        const charger = new SimulatedCharger({ url: options.ocpp ?? cp.endpoint, identity: cp.identity, password: cp.password, protocol: cp.protocol });
        chargers.push(charger);
        await charger.connect();
        if (charger.lastBoot?.status !== 'Pending') throw new Error(`${cp.identity}: BootNotification answered ${charger.lastBoot?.status}, expected Pending before commissioning`);
      }
      return `through ${options.ocpp ?? state.cps[0]?.endpoint}`;
    }],
    ['commissioning completes (connection, firmware, heartbeat)', async () => {
      for (const cp of state.cps) await api('POST', `/api/v1/installer/charge-points/${cp.id}/commissioning`, { token: state.token, expect: 202 });
      for (const cp of state.cps) {
        await poll(`${cp.identity} commissioning completed`, waitMs, async () => {
          const s = await api<{ status: string; checks: Array<{ name: string; status: string }> }>('GET', `/api/v1/installer/charge-points/${cp.id}/commissioning`, { token: state.token });
          if (s.status === 'failed') throw new Error(`${cp.identity}: commissioning failed: ${JSON.stringify(s.checks)}`);
          return s.status === 'completed' ? s : undefined;
        });
      }
      return 'both completed';
    }],
    ['password rotated; boot is Accepted', async () => {
      for (const [i, charger] of chargers.entries()) {
        await charger.waitForBoot('Accepted', waitMs);
        // The boot is Accepted before the heartbeat check (the TC_B_31 order); the new password is sent
        // after completion, so it may still be on its way.
        await poll(`${charger.identity}: a new password from the platform`, waitMs, async () => (charger.password !== state.cps[i]?.password ? true : undefined));
      }
      return 'both moved to a long-term password';
    }],
    ['reconnect with the new password; boot is Accepted', async () => {
      for (const charger of chargers) {
        await charger.reconnect();
        if (charger.lastBoot?.status !== 'Accepted') throw new Error(`${charger.identity}: BootNotification answered ${charger.lastBoot?.status} after reconnecting`);
      }
      return 'both';
    }],
    ['site checklist', async () => {
      for (const item of CHECKLIST) {
        await api('PUT', `/api/v1/installer/projects/${state.projectId}/checklist/${item}`, { token: state.token, body: { result: 'passed', notes: 'npm run smoke' } });
      }
      return `${CHECKLIST.length} items passed`;
    }],
    ['handover; certificate signature valid, names as written', async () => {
      const done = await api<{ handover_certificate_url: string; certificate_sha256: string }>('POST', `/api/v1/installer/projects/${state.projectId}/handover`, { token: state.token, expect: 200 });
      const res = await fetch(done.handover_certificate_url);
      if (!res.ok) throw new Error(`certificate download answered ${res.status}`);
      const pdf = new Uint8Array(await res.arrayBuffer());
      const sig = poppler('pdfsig', pdf);
      if (!/Signature is Valid/.test(sig)) throw new Error(`pdfsig: ${sig.trim().split('\n').slice(-3).join(' / ')}`);
      const text = poppler('pdftotext', pdf);
      const missing = [NAMES.installer, NAMES.site, ...state.cps.map((cp) => cp.identity)].filter((s) => !text.includes(s));
      if (missing.length) throw new Error(`the certificate does not show ${missing.join(', ')}`);
      return `${pdf.byteLength} bytes, sha256 ${done.certificate_sha256.slice(0, 12)}…, pdfsig: Signature is Valid`;
    }],
    ...(options.webhookUrl
      ? [['webhooks delivered to the receiver', async () => {
          const wanted = { 'commissioning.completed': state.cps.length, 'project.handed_over': 1 };
          const deliveries = await poll('succeeded webhook deliveries', waitMs, async () => {
            const page = await api<{ deliveries: Array<{ event_type: string; status: string }> }>('GET', `/api/v1/operator/webhooks/${state.subscriptionId}/deliveries?status=succeeded&limit=50`, { token: op });
            const count = (type: string) => page.deliveries.filter((d) => d.event_type === type).length;
            return Object.entries(wanted).every(([type, n]) => count(type) >= n) ? page.deliveries : undefined;
          });
          return `${deliveries.length} succeeded (${Object.keys(wanted).join(', ')})`;
        }] as [string, () => Promise<string>]]
      : []),
  ];

  for (const [name, fn] of journey) {
    if (!(await step(name, fn))) break;
  }

  // Cleanup runs whatever happened above.
  await step('cleanup: disconnect the simulated charge points', async () => {
    await Promise.all(chargers.map((c) => c.close()));
    return `${chargers.length} closed`;
  });
  for (const cleanup of cleanups.reverse()) await step(`cleanup: ${cleanup.name}`, cleanup.run);
  report({
    name: 'left in place (the API has no delete for them)',
    ok: true,
    ms: 0,
    detail: `team, site and project SMOKE-${run} (handed over, locked), ${state.cps.length} charge point(s), installer account ${email}`,
  });
  return { ok: steps.every((s) => s.ok), steps };
}

const USAGE = `Usage: npm run smoke -- --api <https url> --api-key <operator key> [--ocpp <wss url>] [--table <DynamoDB table>] [--webhook-url <https url>] [--wait <seconds>]
  --api          the HTTP API's base URL (without /api/v1)
  --ocpp         the OCPP WebSocket URL without the identity, e.g. wss://ocpp.example.com/ocpp (default: the ocpp_endpoint the API returns)
  --api-key      an operator API key
  --table        the deployment's DynamoDB table, for verifying the installer where there is no local outbox (needs AWS credentials)
  --webhook-url  a receiver to send webhooks to; the run checks they were delivered
  --wait         seconds one waiting step may take (default 60)`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        api: { type: 'string' },
        ocpp: { type: 'string' },
        'api-key': { type: 'string' },
        table: { type: 'string' },
        'webhook-url': { type: 'string' },
        wait: { type: 'string' },
      },
    }).values;
  } catch (err) {
    console.error(`✖ ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!values.api || !values['api-key']) {
    console.error(USAGE);
    return 2;
  }
  const result = await runSmoke({
    api: values.api,
    apiKey: values['api-key'],
    ...(values.ocpp ? { ocpp: values.ocpp } : {}),
    ...(values.table ? { table: values.table } : {}),
    ...(values['webhook-url'] ? { webhookUrl: values['webhook-url'] } : {}),
    ...(values.wait ? { waitMs: Number(values.wait) * 1000 } : {}),
  });
  const total = result.steps.reduce((sum, s) => sum + s.ms, 0);
  console.log(result.ok ? `\nsmoke test passed in ${total} ms` : `\nsmoke test FAILED (${result.steps.filter((s) => !s.ok).length} step(s))`);
  return result.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
