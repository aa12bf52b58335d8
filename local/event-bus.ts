// EventBridge emulation: accepts PutEvents from the real EventBridgeClient, matches the same rule
// table the CDK stack deploys, and invokes the target handlers asynchronously, retrying failures
// with exponential backoff like EventBridge's retry policy; exhausted events go to a dead-letter list.
import { randomUUID } from 'node:crypto';
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

export class LocalEventBus {
  readonly deadLetters: DeadLetter[] = [];
  private readonly pending = new Set<Promise<void>>();
  private delivered = 0;
  private received = 0;

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
    },
  ) {
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

  get stats() {
    return { received: this.received, delivered: this.delivered, pending: this.pending.size, deadLetters: this.deadLetters.length };
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
      if (matchesRule(rule, { source: event.source, detailType: event['detail-type'] })) this.schedule(rule, event);
    }
    return { EventId: id };
  }

  private schedule(rule: EventRule, event: EventBridgeEvent<string, unknown>): void {
    const retry = this.opts.retry ?? DEFAULT_RETRY;
    const run = async () => {
      let lastError = '';
      for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
        if (attempt > 1) await sleep(Math.min(retry.baseDelayMs * 2 ** (attempt - 2), retry.maxDelayMs));
        try {
          await invoke(rule.entry, event);
          this.delivered++;
          return;
        } catch (err) {
          lastError = err instanceof Error ? err.message : String(err);
          console.error(`[local bus] ${rule.name} attempt ${attempt}/${retry.maxAttempts} failed: ${lastError}`);
        }
      }
      this.deadLetters.push({ rule: rule.name, event, error: lastError, attempts: retry.maxAttempts, failedAt: new Date().toISOString() });
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
