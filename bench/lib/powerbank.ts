// PowerBank activation speed (issue #19): N enrolled simulated chargers of both versions, all
// charging, in the local runtime; one activation asks for half their power. How long until 50 % and
// 100 % of the requested power was shed, counted as each charger ACCEPTS its limit (the time its
// CALLRESULT reached the CSMS), weighted by the shed planned for it. Targets (the Swedish FCR-D rule):
// 50 % within 5 s, 100 % within 30 s. Then the end: how long until every charger's limit was cleared.
//
// The chargers are ocpp-rpc clients in this process (not strict: the bench measures the CSMS), so they
// share its CPU with the runtime: on a small machine the figures are pessimistic.
import { performance } from 'node:perf_hooks';
import { RPCClient } from 'ocpp-rpc';
import type { LocalRuntime } from '../../local/runtime';

export const POWERBANK_TARGETS = { halfMs: 5_000, fullMs: 30_000 } as const;

export interface ShedPoint {
  /** When the charger's acceptance arrived, ms after the activation was posted. */
  readonly atMs: number;
  readonly shedW: number;
}

/**
 * When the accepted chargers' planned shed first reached 50 % and 100 % of the request (ms after the
 * POST); null when it never did (refusals, silence, or a request above what they draw).
 */
export function shedTimes(points: readonly ShedPoint[], requestedW: number): { halfMs: number | null; fullMs: number | null } {
  let sum = 0;
  let halfMs: number | null = null;
  let fullMs: number | null = null;
  for (const p of [...points].sort((a, b) => a.atMs - b.atMs)) {
    sum += p.shedW;
    if (halfMs === null && sum >= 0.5 * requestedW) halfMs = p.atMs;
    if (fullMs === null && sum >= requestedW) fullMs = p.atMs;
  }
  if (requestedW <= 0) return { halfMs: 0, fullMs: 0 };
  return { halfMs, fullMs };
}

export interface PowerBankResult {
  readonly chargers: number;
  readonly setupSeconds: number;
  readonly postMs: number;
  readonly asked: number;
  readonly accepted: number;
  readonly refusedOrSilent: number;
  readonly requestedKw: number;
  readonly plannedShedKw: number;
  readonly halfMs: number | null;
  readonly fullMs: number | null;
  /** When the first profile went out, after the POST: the selection (reads) before the fan-out. */
  readonly firstSentMs: number | null;
  readonly lastAnswerMs: number | null;
  readonly responseMs: { readonly p50: number; readonly p99: number };
  readonly restoreAsked: number;
  readonly restoredAccepted: number;
  readonly restoreAllMs: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

const quantile = (xs: readonly number[], q: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** The section: its own runtime (the region-check rules left out: the chargers are enrolled directly). */
export async function measurePowerBank(n: number, log: (s: string) => void): Promise<PowerBankResult> {
  const setupStart = performance.now();
  const { startLocalRuntime } = await import('../../local/runtime');
  const { EVENT_RULES } = await import('../../lib/events/rules');
  // Enrolment is set up directly below; the per-registration region check would walk the whole site
  // once per charger (what it costs is not what this section measures).
  const eventRules = EVENT_RULES.filter((r) => r.name !== 'powerbank-charger-changed' && r.name !== 'powerbank-charger-booted');
  const rt: LocalRuntime = await startLocalRuntime({ port: 0, inMemory: true, seed: true, schedules: 'manual', eventRules, retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 1000 } });
  const clients: RPCClient[] = [];
  try {
    const { registerChargePoint } = await import('../../lib/domain/charge-points');
    const { createProject, createSite } = await import('../../lib/domain/operator-setup');
    const { updateSiteAddress } = await import('../../lib/db/projects');
    const { putEnrolment } = await import('../../lib/db/powerbank');
    const { listTargets } = await import('../../lib/db/powerbank-activations');
    const { tickActivations } = await import('../../lib/domain/powerbank/activations');
    const { markCommissioned } = await import('../../test/integration/support/ocpp');
    const seed = rt.seed!;
    const site = await createSite(seed.operatorId, { teamId: seed.teamId, name: 'PowerBank bench', address: '1 Benchvej', country: 'DK' });
    await updateSiteAddress(seed.operatorId, site.siteId, { postcode: '2100' }, new Date().toISOString());
    const project = await createProject(seed.operatorId, { teamId: seed.teamId, siteId: site.siteId, jobNumber: 'PB-BENCH', name: 'PowerBank bench', description: '', instructions: '' });
    const runId = Date.now().toString(36).toUpperCase();
    const ocppUrl = rt.ocppUrl.replace('://localhost:', '://127.0.0.1:');
    const indexes = Array.from({ length: n }, (_, i) => i);
    const now = Date.now();
    const at = (ms: number) => new Date(ms).toISOString();

    await pool(indexes, 16, async (i) => {
      const protocol = i % 2 === 0 ? 'ocpp1.6' : 'ocpp2.0.1';
      const cp = await registerChargePoint({ projectId: project.projectId, serialNumber: `PB${runId}-${i}`, protocol, connectorCount: 1 });
      await markCommissioned(cp.chargePoint.chargePointId);
      const t = new Date().toISOString();
      await putEnrolment({ chargePointId: cp.chargePoint.chargePointId, operatorId: seed.operatorId, teamId: seed.teamId, siteId: site.siteId, status: 'enrolled', zone: 'DK2', automatic: true, enrolledBy: 'bench', enrolledAt: t, updatedAt: t }, undefined);
      const options: Partial<ConstructorParameters<typeof RPCClient>[0]> = { endpoint: ocppUrl, identity: cp.identity, password: cp.provisioningPassword, protocols: [protocol], strictMode: false, reconnect: false, callTimeoutMs: 60_000 };
      const client = new RPCClient(options as ConstructorParameters<typeof RPCClient>[0]);
      client.handle('SetChargingProfile', async () => ({ status: 'Accepted' }));
      client.handle('ClearChargingProfile', async () => ({ status: 'Accepted' }));
      await client.connect();
      clients.push(client);
      // Charging 11 kW: a session with two energy-register readings a minute apart.
      const kwh = (11 * 1000) / 60;
      if (protocol === 'ocpp1.6') {
        await client.call('BootNotification', { chargePointVendor: 'ABB', chargePointModel: 'Terra AC', firmwareVersion: '1.0.0' });
        await client.call('StatusNotification', { connectorId: 1, status: 'Charging', errorCode: 'NoError', timestamp: at(now - 600_000) });
        const started = (await client.call('StartTransaction', { connectorId: 1, idTag: 'PB-BENCH', meterStart: 0, timestamp: at(now - 600_000) })) as { transactionId: number };
        for (const [ms, wh] of [[now - 120_000, 1000], [now - 60_000, 1000 + kwh]] as const) {
          await client.call('MeterValues', { connectorId: 1, transactionId: started.transactionId, meterValue: [{ timestamp: at(ms), sampledValue: [{ value: wh.toFixed(1), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });
        }
      } else {
        await client.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'ABB', model: 'Terra AC', firmwareVersion: '1.0.0' } });
        const transactionId = `PB${runId}-${i}`;
        const info = { transactionId, chargingState: 'Charging' };
        await client.call('TransactionEvent', { eventType: 'Started', timestamp: at(now - 600_000), triggerReason: 'Authorized', seqNo: 0, transactionInfo: info, evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'PB-BENCH', type: 'ISO14443' } });
        let seqNo = 0;
        for (const [ms, wh] of [[now - 120_000, 1000], [now - 60_000, 1000 + kwh]] as const) {
          seqNo += 1;
          await client.call('TransactionEvent', { eventType: 'Updated', timestamp: at(ms), triggerReason: 'MeterValuePeriodic', seqNo, transactionInfo: info, evse: { id: 1, connectorId: 1 }, meterValue: [{ timestamp: at(ms), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }] });
        }
      }
    });
    await rt.drain();
    const setupSeconds = (performance.now() - setupStart) / 1000;
    log(`Set up ${n} enrolled chargers (${Math.ceil(n / 2)} × 1.6, ${Math.floor(n / 2)} × 2.0.1), each charging 11 kW, in ${setupSeconds.toFixed(1)} s`);

    // The activation: half of what they draw.
    const postedAt = Date.now();
    const t0 = performance.now();
    const res = await fetch(`${rt.url}/api/v1/operator/powerbank/activations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${seed.operatorApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ external_id: `bench-${runId}`, zone: 'DK2', direction: 'up', share: 0.5, duration_s: 900 }),
    });
    const postMs = performance.now() - t0;
    const activation = (await res.json()) as { activation_id: string; end: string };
    if (res.status !== 202) throw new Error(`POST activation answered ${res.status}: ${JSON.stringify(activation)}`);
    const { getActivation } = await import('../../lib/db/powerbank-activations');
    const deadline = Date.now() + 120_000;
    let targets = await listTargets(activation.activation_id);
    // Until every charger answered (or the deadline): the answers are recorded as they arrive.
    for (;;) {
      const a = await getActivation(seed.operatorId, activation.activation_id);
      targets = await listTargets(activation.activation_id);
      const settled = targets.filter((t) => t.limitOutcome !== undefined).length;
      if ((a?.status === 'active' && settled === targets.length && targets.length > 0) || Date.now() > deadline) break;
      // The answers carry their own times; polling rarely (each poll reads every target) keeps this
      // reader's load off the fan-out it measures.
      await sleep(5000);
    }
    const a = await getActivation(seed.operatorId, activation.activation_id);
    const requestedW = a?.started?.requestedW ?? 0;
    const accepted = targets.filter((t) => t.limitOutcome === 'accepted' && t.limitAnsweredAt);
    const points = accepted.map((t) => ({ atMs: Date.parse(t.limitAnsweredAt!) - postedAt, shedW: t.plannedShedW }));
    const times = shedTimes(points, requestedW);
    const responses = accepted.filter((t) => t.limitSentAt).map((t) => Date.parse(t.limitAnsweredAt!) - Date.parse(t.limitSentAt!));

    // The end: the tick after the end clears every profile.
    const endAt = Date.now();
    await tickActivations(Date.parse(activation.end) + 1000);
    const restoreDeadline = Date.now() + 120_000;
    for (;;) {
      targets = await listTargets(activation.activation_id);
      const asked = targets.filter((t) => t.limitOutcome !== 'not_sent' && t.limitOutcome !== 'not_connected');
      if (asked.every((t) => t.restoreOutcome !== undefined) || Date.now() > restoreDeadline) break;
      await sleep(500);
    }
    const restored = targets.filter((t) => t.restoreOutcome === 'accepted' && t.restoreAnsweredAt);
    return {
      chargers: n,
      setupSeconds,
      postMs,
      asked: targets.length,
      accepted: accepted.length,
      refusedOrSilent: targets.length - accepted.length,
      requestedKw: requestedW / 1000,
      plannedShedKw: (a?.started?.plannedShedW ?? 0) / 1000,
      halfMs: times.halfMs,
      fullMs: times.fullMs,
      firstSentMs: accepted.some((t) => t.limitSentAt) ? Math.min(...accepted.filter((t) => t.limitSentAt).map((t) => Date.parse(t.limitSentAt!))) - postedAt : null,
      lastAnswerMs: points.length ? Math.max(...points.map((p) => p.atMs)) : null,
      responseMs: { p50: quantile(responses, 0.5), p99: quantile(responses, 0.99) },
      restoreAsked: targets.filter((t) => t.limitOutcome !== 'not_sent' && t.limitOutcome !== 'not_connected').length,
      restoredAccepted: restored.length,
      restoreAllMs: restored.length ? Math.max(...restored.map((t) => Date.parse(t.restoreAnsweredAt!))) - endAt : null,
    };
  } finally {
    for (const c of clients) await c.close({ force: true }).catch(() => undefined);
    await rt.stop();
  }
}

const s = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(2)} s`);
const verdict = (ms: number | null, target: number) => (ms !== null && ms <= target ? 'met' : 'MISSED');

export function renderPowerBank(r: PowerBankResult): string {
  return [
    `POST answered 202 in ${r.postMs.toFixed(0)} ms; ${r.asked} chargers asked, ${r.accepted} accepted, ${r.refusedOrSilent} refused or silent`,
    `Requested ${r.requestedKw.toFixed(1)} kW (share 0.5 of what they draw); planned shed ${r.plannedShedKw.toFixed(1)} kW`,
    `50 % of the requested power shed (accepted, weighted by planned shed): ${s(r.halfMs)} after the POST (target ${POWERBANK_TARGETS.halfMs / 1000} s: ${verdict(r.halfMs, POWERBANK_TARGETS.halfMs)})`,
    `100 %: ${s(r.fullMs)} (target ${POWERBANK_TARGETS.fullMs / 1000} s: ${verdict(r.fullMs, POWERBANK_TARGETS.fullMs)}); last acceptance ${s(r.lastAnswerMs)}`,
    `First profile sent ${s(r.firstSentMs)} after the POST (the selection: the zone's enrolled chargers, which are charging, their sites' power state)`,
    `Charger response time (profile sent → answer recorded): p50 ${r.responseMs.p50.toFixed(0)} ms, p99 ${r.responseMs.p99.toFixed(0)} ms`,
    `End: ${r.restoredAccepted}/${r.restoreAsked} profiles cleared (ClearChargingProfile) within ${s(r.restoreAllMs)} of the tick`,
  ].join('\n');
}
