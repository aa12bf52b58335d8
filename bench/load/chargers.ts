// The load generator: a child process (forked by bench/run.ts) playing N charge points with strict
// ocpp-rpc clients, one outstanding CALL each, as chargers do. Commands arrive over IPC
// (bench/load/protocol.ts); every round trip is timed here, around `client.call`.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RPCClient } from 'ocpp-rpc';
import {
  bootNotification,
  heartbeat,
  meterValues16,
  meterValues201,
  startTransaction16,
  statusNotification,
  stopTransaction16,
  transactionEvent201,
  typeKey,
  type OutgoingCall,
} from '../lib/frames';
import type { ChargerSpec, ChildMessage, ConnectReport, ParentMessage, PhaseReport } from './protocol';

/** Charger-side CALL timeout: real chargers wait 30–60 s (DESIGN.md §5); the bench uses the short end. */
const CALL_TIMEOUT_MS = 30_000;

interface Charger {
  readonly spec: ChargerSpec;
  readonly index: number;
  client?: RPCClient;
  /** Set by the strict-mode listener when the last answer broke the official schema. */
  invalidAnswer: boolean;
  meterWh: number;
}

let ocppUrl = '';
let chargers: Charger[] = [];

function send(msg: ChildMessage): void {
  process.send?.(msg);
}

class Recorder {
  readonly started = performance.now();
  readonly rttMs: Record<string, number[]> = {};
  readonly errors: Record<string, Record<string, number>> = {};
  scheduled = 0;

  async call(c: Charger, msg: OutgoingCall): Promise<Record<string, unknown> | undefined> {
    const key = typeKey(c.spec.protocol, msg.label);
    const client = c.client;
    if (!client) {
      this.error(key, 'not connected');
      return undefined;
    }
    c.invalidAnswer = false;
    const t0 = performance.now();
    try {
      const result = (await client.call(msg.action, msg.payload)) as Record<string, unknown>;
      (this.rttMs[key] ??= []).push(performance.now() - t0);
      return result;
    } catch (err) {
      this.error(key, classify(err, c.invalidAnswer));
      return undefined;
    }
  }

  error(key: string, kind: string): void {
    const e = (this.errors[key] ??= {});
    e[kind] = (e[kind] ?? 0) + 1;
  }

  report(extra?: Record<string, number>): PhaseReport {
    return { elapsedMs: performance.now() - this.started, rttMs: this.rttMs, errors: this.errors, scheduled: this.scheduled, ...(extra ? { extra } : {}) };
  }
}

function classify(err: unknown, invalidAnswer: boolean): string {
  if (invalidAnswer) return 'answer broke the schema (strict mode)';
  const e = err as { name?: string; rpcErrorCode?: string; message?: string; constructor?: { name?: string } };
  if (e?.constructor?.name === 'TimeoutError' || e?.name === 'TimeoutError') return 'timeout';
  if (typeof e?.rpcErrorCode === 'string') return `CALLERROR ${e.rpcErrorCode}`;
  return `other: ${String(e?.message ?? err).slice(0, 80)}`;
}

/** Runs `work` over items with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/** Opens charger `c`'s WebSocket (Basic auth, its one subprotocol, strict mode, no reconnect). */
async function openClient(c: Charger): Promise<void> {
  // ocpp-rpc's typings mark every option required; the library fills in defaults for the rest.
  const options: Partial<ConstructorParameters<typeof RPCClient>[0]> = {
    endpoint: ocppUrl,
    identity: c.spec.identity,
    password: c.spec.password,
    protocols: [c.spec.protocol],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: CALL_TIMEOUT_MS,
    // API Gateway does not treat WebSocket pings as activity; the OCPP Heartbeat is the keep-alive.
    pingIntervalMs: 60 * 60 * 1000,
  };
  const client = new RPCClient(options as ConstructorParameters<typeof RPCClient>[0]);
  client.on('strictValidationFailure', (ev: { outbound?: boolean }) => {
    if (!ev.outbound) c.invalidAnswer = true;
  });
  await client.connect();
  c.client = client;
}

async function connectAll(concurrency: number): Promise<ConnectReport> {
  const started = performance.now();
  const handshakeMs: number[] = [];
  const failures: Record<string, number> = {};
  let connected = 0;
  await pool(chargers, concurrency, async (c) => {
    const t0 = performance.now();
    try {
      await openClient(c);
      handshakeMs.push(performance.now() - t0);
      connected += 1;
    } catch (err) {
      const key = String((err as Error).message ?? err).slice(0, 80);
      failures[key] = (failures[key] ?? 0) + 1;
    }
  });
  return { elapsedMs: performance.now() - started, connected, failed: chargers.length - connected, handshakeMs, failures };
}

/** Every charger boots and reports each connector Available, as after a power cut. */
async function bootAll(): Promise<PhaseReport> {
  const rec = new Recorder();
  await Promise.all(
    chargers.map(async (c) => {
      await rec.call(c, bootNotification(c.spec.protocol, c.spec.identity));
      for (let connector = 1; connector <= c.spec.connectorCount; connector++) await rec.call(c, statusNotification(c.spec.protocol, connector, 'Available', new Date()));
    }),
  );
  return rec.report();
}

/** One charging session on connector 1, with `meterTicks` meter readings between start and stop. */
class Session {
  private seqNo = 0;
  private transactionId16: number | undefined;
  private readonly transactionId201 = randomUUID();
  private ticks = 0;

  constructor(
    private readonly c: Charger,
    private readonly rec: Recorder,
  ) {}

  async start(): Promise<void> {
    const { c, rec } = this;
    const now = () => new Date();
    if (c.spec.protocol === 'ocpp1.6') {
      await rec.call(c, statusNotification('ocpp1.6', 1, 'Preparing', now()));
      const res = await rec.call(c, startTransaction16(1, `TAG${c.index}`.slice(0, 20), c.meterWh, now()));
      this.transactionId16 = typeof res?.transactionId === 'number' ? res.transactionId : undefined;
      await rec.call(c, statusNotification('ocpp1.6', 1, 'Charging', now()));
    } else {
      await rec.call(c, statusNotification('ocpp2.0.1', 1, 'Charging', now()));
      await rec.call(c, transactionEvent201('Started', this.tx(), now()));
    }
  }

  /** 1.6: MeterValues; 2.0.1: TransactionEvent(Updated) and MeterValues in turn. */
  async meter(): Promise<void> {
    const { c, rec } = this;
    c.meterWh += 250;
    this.ticks += 1;
    if (c.spec.protocol === 'ocpp1.6') {
      if (this.transactionId16 !== undefined) await rec.call(c, meterValues16(1, this.transactionId16, c.meterWh, new Date()));
      else await rec.call(c, heartbeat());
    } else if (this.ticks % 2 === 1) await rec.call(c, transactionEvent201('Updated', this.tx(), new Date()));
    else await rec.call(c, meterValues201(1, c.meterWh, new Date()));
  }

  async stop(): Promise<void> {
    const { c, rec } = this;
    if (c.spec.protocol === 'ocpp1.6') {
      if (this.transactionId16 !== undefined) await rec.call(c, stopTransaction16(this.transactionId16, c.meterWh, new Date()));
      await rec.call(c, statusNotification('ocpp1.6', 1, 'Finishing', new Date()));
      await rec.call(c, statusNotification('ocpp1.6', 1, 'Available', new Date()));
    } else {
      await rec.call(c, transactionEvent201('Ended', this.tx(), new Date()));
      await rec.call(c, statusNotification('ocpp2.0.1', 1, 'Available', new Date()));
    }
  }

  private tx() {
    return { id: this.transactionId201, seqNo: this.seqNo++, evseId: 1, wh: this.c.meterWh, idToken: `TOKEN${this.c.index}` };
  }
}

/**
 * Every charger reconnects and boots again, as API Gateway makes it every 2 hours. A commissioned
 * charger in the field has booted Accepted before its current connection (commissioning ends with a
 * reconnect on the new password), so its $connect context carries that boot and its frames need no
 * connection read (lib/ocpp/connection-context.ts); right after the first connect it does not yet.
 */
async function reconnectAll(concurrency: number): Promise<PhaseReport> {
  const rec = new Recorder();
  await pool(chargers, concurrency, async (c) => {
    await c.client?.close({ code: 1000, reason: 'bench reconnect' }).catch(() => undefined);
    c.client = undefined;
    try {
      await openClient(c);
      await rec.call(c, bootNotification(c.spec.protocol, c.spec.identity));
    } catch (err) {
      rec.error(typeKey(c.spec.protocol, '$connect'), classify(err, false));
    }
  });
  return rec.report();
}

/** Unloaded server times: one charger per version sends every message type in turn, nothing else running. */
async function probe(rounds: number): Promise<PhaseReport> {
  const rec = new Recorder();
  const probes = [chargers.find((c) => c.spec.protocol === 'ocpp1.6' && c.client), chargers.find((c) => c.spec.protocol === 'ocpp2.0.1' && c.client)].filter((c): c is Charger => !!c);
  for (const c of probes) {
    for (let i = 0; i < rounds; i++) {
      await rec.call(c, heartbeat());
      await rec.call(c, statusNotification(c.spec.protocol, 2, i % 2 ? 'Available' : 'Preparing', new Date()));
      await rec.call(c, bootNotification(c.spec.protocol, c.spec.identity));
      const s = new Session(c, rec);
      await s.start();
      await s.meter();
      await s.meter();
      await s.stop();
    }
    // Reconnects (as every 2 h on API Gateway): $disconnect and $connect without load. The new
    // connection record has no boot status, so the charger boots again before anything else.
    for (let i = 0; i < rounds; i++) {
      await c.client?.close({ code: 1000, reason: 'probe reconnect' });
      c.client = undefined;
      try {
        await openClient(c);
        await rec.call(c, bootNotification(c.spec.protocol, c.spec.identity));
      } catch (err) {
        rec.error(typeKey(c.spec.protocol, '$connect'), classify(err, false));
      }
    }
  }
  return rec.report();
}

/**
 * The steady mix: each charger has one tick per heartbeat interval (first tick at a random phase).
 * An idle charger sends a Heartbeat; a session charger (the first `sessionShare` of each version)
 * starts a session, sends meter values on each tick for `SESSION_TICKS` ticks, stops, rests two ticks
 * and starts again. A charger that falls behind does not catch up in a burst (like a real timer).
 */
const SESSION_TICKS = 8;

async function mix(seconds: number, heartbeatSeconds: number, sessionShare: number): Promise<PhaseReport> {
  const rec = new Recorder();
  const intervalMs = heartbeatSeconds * 1000;
  const deadline = performance.now() + seconds * 1000;
  let sessionsStarted = 0;
  let sessionsEnded = 0;
  const sessionEvery = sessionShare > 0 ? Math.max(1, Math.round(1 / sessionShare)) : 0;
  await Promise.all(
    chargers.map(async (c) => {
      if (!c.client) return;
      const runsSessions = sessionEvery > 0 && Math.floor(c.index / 2) % sessionEvery === 0;
      let next = performance.now() + Math.random() * intervalMs;
      let session: Session | undefined;
      let sessionTicks = 0;
      let rest = Math.floor(Math.random() * 3);
      for (;;) {
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
        if (performance.now() >= deadline) break;
        rec.scheduled += 1;
        if (runsSessions && !session && rest-- <= 0) {
          session = new Session(c, rec);
          sessionTicks = 0;
          sessionsStarted += 1;
          await session.start();
        } else if (session && sessionTicks < SESSION_TICKS) {
          sessionTicks += 1;
          await session.meter();
        } else if (session) {
          await session.stop();
          session = undefined;
          sessionsEnded += 1;
          rest = 2;
        } else await rec.call(c, heartbeat());
        next = Math.max(next + intervalMs, performance.now());
      }
    }),
  );
  return rec.report({ sessionsStarted, sessionsEnded });
}

async function closeAll(): Promise<number> {
  const started = performance.now();
  await Promise.all(chargers.map((c) => c.client?.close({ code: 1000, reason: 'bench done' }).catch(() => undefined)));
  return performance.now() - started;
}

process.on('message', (raw: unknown) => {
  const msg = raw as ParentMessage;
  const run = async (): Promise<ChildMessage> => {
    switch (msg.cmd) {
      case 'init':
        ocppUrl = msg.ocppUrl;
        chargers = msg.chargers.map((spec, index) => ({ spec, index, invalidAnswer: false, meterWh: 1000 }));
        return { reply: 'ready' };
      case 'connect':
        return { reply: 'connect', report: await connectAll(msg.concurrency) };
      case 'boot':
        return { reply: 'phase', report: await bootAll() };
      case 'reconnect':
        return { reply: 'phase', report: await reconnectAll(msg.concurrency) };
      case 'probe':
        return { reply: 'phase', report: await probe(msg.rounds) };
      case 'mix':
        return { reply: 'phase', report: await mix(msg.seconds, msg.heartbeatSeconds, msg.sessionShare) };
      case 'close': {
        const elapsedMs = await closeAll();
        return { reply: 'closed', elapsedMs };
      }
    }
  };
  run().then(
    (reply) => {
      send(reply);
      if (msg.cmd === 'close') setImmediate(() => process.exit(0));
    },
    (err: unknown) => send({ reply: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});

// The parent going away (Ctrl-C, crash) must not leave this process behind.
process.on('disconnect', () => process.exit(0));
