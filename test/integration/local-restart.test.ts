// The local runtime across its own life cycle: while it starts, when it stops with work in flight,
// and when it starts again on the same data folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, describe, expect, it } from 'vitest';
import { presignCertificateUrl, storeCertificate } from '../../lib/certificates';
import { freePort } from '../../local/ports';
import type { LocalRuntime } from '../../local/runtime';
import { store as flaky } from '../fixtures/handlers/flaky-target';
import { upgradeStatus } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

const dirs: string[] = [];
const aDataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'cpc-restart-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const flakyRule = {
  name: 'flaky',
  pattern: { source: ['test'], detailType: ['thing.happened'] },
  entry: 'test/fixtures/handlers/flaky-target.ts',
  access: {},
  description: '',
};

describe('while starting', () => {
  it('answers 503 "starting" at once, to /health, API routes and OCPP upgrades, until every part is ready', async () => {
    // Prepare: a handler module that stays loading until the test lets it finish.
    const port = await freePort();
    const g = globalThis as { __finishSlowLoad?: () => void };
    const starting = startTestRuntime({
      port,
      seed: true,
      eventRules: [{ ...flakyRule, name: 'slow', entry: 'test/fixtures/handlers/slow-load.ts' }],
    });
    while (!g.__finishSlowLoad) await new Promise((r) => setTimeout(r, 20));
    let rt: LocalRuntime | undefined;
    try {
      // Act
      const health = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) });
      const api = await fetch(`http://127.0.0.1:${port}/api/v1/operator/projects`, { signal: AbortSignal.timeout(5000) });
      const upgrade = await upgradeStatus(`ws://127.0.0.1:${port}/ocpp/CP-1`, { protocols: ['ocpp1.6'] });
      // Assess
      expect(health.status).toBe(503);
      expect(health.headers.get('retry-after')).toBe('1');
      expect(await health.json()).toMatchObject({ status: 'starting' });
      expect(api.status).toBe(503);
      expect(upgrade).toBe(503);

      g.__finishSlowLoad();
      rt = await starting;
      const ready = await fetch(`${rt.url}/health`);
      expect(ready.status).toBe(200);
      expect(rt.seed?.operatorApiKey).toBeTruthy();
    } finally {
      g.__finishSlowLoad?.();
      await (rt ?? (await starting)).stop();
    }
  });
});

describe('restart on the same data folder', () => {
  it('keeps certificate links working: they go through the main port, not s3rver\'s per-start port', async () => {
    // Prepare
    const port = await freePort();
    const dataDir = aDataDir();
    const first = await startTestRuntime({ port, inMemory: false, dataDir, seed: false });
    const pdf = Buffer.from('%PDF-1.7 certificate\n');
    await storeCertificate('certificates/restart-test.pdf', pdf);
    const link = await presignCertificateUrl('certificates/restart-test.pdf');
    await first.stop();

    // Act
    const second = await startTestRuntime({ port, inMemory: false, dataDir, seed: false });
    try {
      const res = await fetch(link);
      // Assess
      expect(link.startsWith(`${second.url}/`)).toBe(true);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(pdf);
    } finally {
      await second.stop();
    }
  });

  it('delivers after the restart an event whose delivery was still pending when the bus stopped', async () => {
    // Prepare: the first delivery fails and its retry waits a minute, longer than the runtime lives.
    const dataDir = aDataDir();
    const first = await startTestRuntime({ inMemory: false, dataDir, seed: false, eventRules: [flakyRule], retry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    const out = await new EventBridgeClient({}).send(
      new PutEventsCommand({ Entries: [{ Source: 'test', DetailType: 'thing.happened', Detail: JSON.stringify({ failTimes: 1 }), EventBusName: process.env.EVENT_BUS_NAME }] }),
    );
    const id = out.Entries![0]!.EventId!;
    while (!flaky.attempts.get(id)) await new Promise((r) => setTimeout(r, 20));
    await first.stop();
    expect(flaky.delivered.map((e) => e.id)).not.toContain(id);

    // Act
    const second = await startTestRuntime({ inMemory: false, dataDir, seed: false, eventRules: [flakyRule] });
    try {
      await second.drain();
      // Assess: delivered once, to the same target, as the same event.
      expect(flaky.delivered.filter((e) => e.id === id)).toHaveLength(1);
    } finally {
      await second.stop();
    }
    // And not again after a further restart: the journal records it as done.
    const third = await startTestRuntime({ inMemory: false, dataDir, seed: false, eventRules: [flakyRule] });
    await third.drain();
    await third.stop();
    expect(flaky.delivered.filter((e) => e.id === id)).toHaveLength(1);
  });
});
