// EventBridge emulation: accepts PutEvents from the real EventBridgeClient, matches the same rule
// table the CDK stack deploys, and invokes the target handlers asynchronously, retrying failures
// with exponential backoff like EventBridge's retry policy; exhausted events go to a dead-letter list.
// Events not yet delivered are journalled with the data, so a stop or a crash does not lose them
// (EventBridge keeps an accepted event until its retry policy is exhausted).
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBridgeEvent } from 'aws-lambda';
import { EVENT_SCHEMAS } from '../lib/events/catalogue';
import { EVENT_SOURCE, EVENT_TYPES, type EventType } from '../lib/events/types';
import { matchesRule, scheduleRateMs, type EventRule } from '../lib/events/rules';
import { readBody } from './http-api';
import { invoke } from './lambda';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 60_000 };

export interface DeadLetter {
  readonly rule: string;
  readonly event: EventBridgeEvent<string, unknown>;
  readonly error: string;
  readonly attempts: number;
  readonly failedAt: string;
}

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: string | number;
  Resources?: string[];
}

/** One journal line: a delivery owed (`add`) or settled (`done`: delivered or dead-lettered). */
type JournalLine = { op: 'add'; key: string; rule: string; event: EventBridgeEvent<string, unknown> } | { op: 'done'; key: string };

export class LocalEventBus {
  readonly deadLetters: DeadLetter[] = [];
  private readonly pending = new Set<Promise<void>>();
  /** Deliveries currently inside a target handler (stop waits for these, not for retry sleeps). */
  private readonly invoking = new Set<Promise<unknown>>();
  private readonly sleepers = new Set<() => void>();
  private stopped = false;
  private delivered = 0;
  private received = 0;
  /** Deliveries found in the journal at start, delivered once resume() is called. */
  private readonly owed: Array<{ key: string; rule: EventRule; event: EventBridgeEvent<string, unknown> }> = [];

  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly opts: {
      busName: string;
      rules: readonly EventRule[];
      retry?: RetryPolicy;
      region?: string;
      account?: string;
      /** 'timers' runs scheduled rules on their rate; 'manual' only through runSchedule() (tests). */
      schedules?: 'timers' | 'manual';
      /** JSON-lines file keeping undelivered events across restarts; none: in memory only. */
      journalFile?: string;
    },
  ) {
    if (opts.journalFile) this.loadJournal(opts.journalFile);
    if ((opts.schedules ?? 'timers') === 'timers') {
      for (const rule of opts.rules) {
        const every = rule.schedule ? scheduleRateMs(rule.schedule) : undefined;
        if (every) this.timers.push(setInterval(() => this.runSchedule(rule.name), every).unref());
      }
    }
  }

  /** Fires a scheduled rule now, with the event EventBridge Scheduler-style rules deliver. */
  runSchedule(ruleName: string): void {
    const rule = this.opts.rules.find((r) => r.name === ruleName && r.schedule);
    if (!rule) throw new Error(`No scheduled rule named ${ruleName}`);
    this.schedule(rule, {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.opts.account ?? '000000000000',
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.opts.region ?? 'local',
      resources: [`arn:aws:events:local:000000000000:rule/${rule.name}`],
      detail: {},
    });
  }

  stopSchedules(): void {
    for (const t of this.timers) clearInterval(t);
  }

  /** Delivers what the journal says was still owed when the bus last stopped (call once handlers can run). */
  resume(): void {
    for (const { key, rule, event } of this.owed.splice(0)) this.schedule(rule, event, key);
  }

  /**
   * Stops delivering: retries waiting for their backoff are abandoned (they stay in the journal and
   * run after the next start) and deliveries inside a handler get `graceMs` to finish.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    this.stopSchedules();
    for (const wake of this.sleepers) wake();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
    await Promise.race([Promise.allSettled([...this.invoking]), grace]);
    clearTimeout(timer);
  }

  get stats() {
    return { received: this.received, delivered: this.delivered, pending: this.pending.size, deadLetters: this.deadLetters.length };
  }

  private loadJournal(file: string): void {
    if (!existsSync(file)) return;
    const owed = new Map<string, Extract<JournalLine, { op: 'add' }>>();
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (!text.trim()) continue;
      let line: JournalLine;
      try {
        line = JSON.parse(text) as JournalLine;
      } catch {
        continue; // a torn last line after a crash: that event's PutEvents was never answered
      }
      if (line.op === 'add') owed.set(line.key, line);
      else owed.delete(line.key);
    }
    for (const line of owed.values()) {
      const rule = this.opts.rules.find((r) => r.name === line.rule);
      if (rule) this.owed.push({ key: line.key, rule, event: line.event });
      else console.error(`[local bus] dropping an owed ${line.event['detail-type']} event: rule ${line.rule} no longer exists`);
    }
    // Compact: only what is still owed, written atomically.
    writeFileSync(`${file}.tmp`, [...owed.values()].map((l) => `${JSON.stringify(l)}\n`).join(''), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  private journal(line: JournalLine): void {
    if (this.opts.journalFile) appendFileSync(this.opts.journalFile, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }

  async handlePutEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: { Entries?: PutEventsEntry[] };
    try {
      body = JSON.parse((await readBody(req)).toString('utf8')) as { Entries?: PutEventsEntry[] };
    } catch {
      return awsJsonError(res, 400, 'ValidationException', 'Request body is not valid JSON');
    }
    const entries = body.Entries ?? [];
    if (entries.length < 1 || entries.length > 10) {
      return awsJsonError(res, 400, 'ValidationException', 'Entries must contain between 1 and 10 items');
    }
    const results = entries.map((entry) => this.accept(entry));
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results }));
  }

  private accept(entry: PutEventsEntry): { EventId: string } | { ErrorCode: string; ErrorMessage: string } {
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    // Our own events must match the catalogue (on AWS the compiler's types are the check; here every
    // integration test also checks the data at run time, and a bad event fails its publisher).
    if (entry.Source === EVENT_SOURCE) {
      const problem = catalogueProblem(entry.DetailType, detail);
      if (problem) return { ErrorCode: 'InvalidArgument', ErrorMessage: problem };
    }
    const bus = entry.EventBusName ?? 'default';
    if (bus !== this.opts.busName && !bus.endsWith(`/${this.opts.busName}`)) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
    }
    this.received++;
    const id = randomUUID();
    const time = entry.Time === undefined ? new Date() : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time);
    const event: EventBridgeEvent<string, unknown> = {
      version: '0',
      id,
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.opts.account ?? '000000000000',
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.opts.region ?? 'local',
      resources: entry.Resources ?? [],
      detail,
    };
    for (const rule of this.opts.rules) {
      if (matchesRule(rule, { source: event.source, detailType: event['detail-type'], data: (event.detail as { data?: unknown } | undefined)?.data })) this.schedule(rule, event);
    }
    return { EventId: id };
  }

  /**
   * `key` given: a delivery replayed from the journal (already journalled). Scheduled events are not
   * journalled: their rule fires again on its own.
   */
  private schedule(rule: EventRule, event: EventBridgeEvent<string, unknown>, replayKey?: string): void {
    if (this.stopped) return;
    const retry = this.opts.retry ?? DEFAULT_RETRY;
    const scheduled = event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event';
    const key = replayKey ?? `${event.id}/${rule.name}`;
    // Journalled before PutEvents answers: once the publisher hears "accepted", the event is kept.
    if (!replayKey && !scheduled) this.journal({ op: 'add', key, rule: rule.name, event });
    const run = async () => {
      let lastError = '';
      for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
        if (attempt > 1) await this.sleep(Math.min(retry.baseDelayMs * 2 ** (attempt - 2), retry.maxDelayMs));
        if (this.stopped) return; // still owed: the journal replays it after the next start
        const call = invoke(rule.entry, event);
        this.invoking.add(call);
        try {
          await call;
          this.delivered++;
          if (!scheduled) this.journal({ op: 'done', key });
          return;
        } catch (err) {
          lastError = err instanceof Error ? err.message : String(err);
          console.error(`[local bus] ${rule.name} attempt ${attempt}/${retry.maxAttempts} failed: ${lastError}`);
        } finally {
          this.invoking.delete(call);
        }
      }
      this.deadLetters.push({ rule: rule.name, event, error: lastError, attempts: retry.maxAttempts, failedAt: new Date().toISOString() });
      if (!scheduled) this.journal({ op: 'done', key });
    };
    // Asynchronous like EventBridge: PutEvents answers before any target runs.
    const p = sleep(0).then(run);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when every scheduled delivery (including retries) has finished. */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** A backoff wait that stop() cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

function catalogueProblem(detailType: string, detail: unknown): string | undefined {
  if (!(EVENT_TYPES as readonly string[]).includes(detailType)) return `${detailType} is not in the event catalogue`;
  const envelope = detail as { type?: unknown; data?: unknown };
  if (envelope?.type !== detailType) return `event type ${String(envelope?.type)} does not match DetailType ${detailType}`;
  const result = EVENT_SCHEMAS[detailType as EventType].safeParse(envelope.data);
  return result.success ? undefined : `${detailType} data breaks the catalogue: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function awsJsonError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ __type: type, message }));
}
