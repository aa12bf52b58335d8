// Attribution: which function, serving which message type, made which AWS call.
//
// The bench serves the WebSocket routes and the webhook fan-out through thin wrappers
// (bench/targets/*) that run the real handler inside an AsyncLocalStorage scope tagged with the
// function and the message type. A middleware on the shared DynamoDB client reads that tag for every
// request, asks DynamoDB Local for ConsumedCapacity (ReturnConsumedCapacity=INDEXES, bench-only: the
// handlers' own inputs are otherwise untouched) and books command, key shape and capacity units to
// the tag. EventBridge PutEvents and Management API calls are booked the same way, and so are log
// lines (they would go to CloudWatch Logs, so they are counted and kept off the terminal).
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { indexCount, ItemShadow, itemSize, transactionWriteUnits, writeUnits, type Doc, type TransactItemInput, type Units } from './capacity';

export interface Tag {
  readonly fn: string;
  readonly type: string;
}

export interface DdbBook {
  /** Requests by command (GetItem, PutItem, TransactWriteItems…), failed ones included. */
  readonly requests: Record<string, number>;
  /** Requests by command and key prefix, e.g. `GetItem CONN`, `TransactWriteItems[Update TX, Put REPLAY, Put LOG]`. */
  readonly shapes: Record<string, number>;
  readRequests: number;
  writeRequests: number;
  failedRequests: number;
  /** Requests whose response carried ConsumedCapacity. */
  measured: number;
  readUnits: number;
  /**
   * Write units including index writes: as reported by DynamoDB Local for single-item writes, and
   * computed from item sizes for TransactWriteItems (DynamoDB Local under-reports those; see capacity.ts).
   */
  writeUnits: number;
  writeUnitsGsi: number;
  /** What DynamoDB Local itself reported for the writes (for comparison). */
  reportedWriteUnits: number;
  /** Transactions whose units were computed. */
  computedTransactions: number;
  /** Single-item writes whose units were also computed from sizes, and how many of those differ from DynamoDB Local's. */
  checkedWrites: number;
  mismatchedWrites: number;
  /** Items written by Put (alone or in a transaction), and their approximate size (JSON bytes). */
  itemsPut: number;
  itemBytesPut: number;
}

export interface Bucket {
  readonly phase: string;
  readonly fn: string;
  readonly type: string;
  invocations: number;
  readonly durationsMs: number[];
  /** Frame bytes in (event body) and out (route response body). */
  bytesIn: number;
  bytesOut: number;
  readonly ddb: DdbBook;
  /** EventBridge entries published, and PutEvents calls. */
  events: number;
  readonly eventTypes: Record<string, number>;
  putEventsCalls: number;
  readonly management: Record<string, number>;
  logBytes: number;
  logLines: number;
  errorLines: number;
}

const als = new AsyncLocalStorage<Tag>();
const buckets = new Map<string, Bucket>();
let phase = 'setup';

export function setPhase(p: string): void {
  phase = p;
}

export function currentPhase(): string {
  return phase;
}

export function allBuckets(): Bucket[] {
  return [...buckets.values()];
}

function emptyBook(): DdbBook {
  return { requests: {}, shapes: {}, readRequests: 0, writeRequests: 0, failedRequests: 0, measured: 0, readUnits: 0, writeUnits: 0, writeUnitsGsi: 0, reportedWriteUnits: 0, computedTransactions: 0, checkedWrites: 0, mismatchedWrites: 0, itemsPut: 0, itemBytesPut: 0 };
}

function bucketFor(tag: Tag | undefined): Bucket {
  const fn = tag?.fn ?? 'untagged';
  const type = tag?.type ?? '-';
  const key = `${phase}\u0000${fn}\u0000${type}`;
  let b = buckets.get(key);
  if (!b) {
    b = { phase, fn, type, invocations: 0, durationsMs: [], bytesIn: 0, bytesOut: 0, ddb: emptyBook(), events: 0, eventTypes: {}, putEventsCalls: 0, management: {}, logBytes: 0, logLines: 0, errorLines: 0 };
    buckets.set(key, b);
  }
  return b;
}

/** Runs `work` as one invocation of `fn` serving `type`: tagged, timed, its frame bytes counted. */
export async function runInvocation<T>(tag: Tag, bytesIn: number, work: () => Promise<T>, bytesOut: (result: T) => number = () => 0): Promise<T> {
  const b = bucketFor(tag);
  const started = performance.now();
  try {
    const result = await als.run(tag, work);
    b.bytesOut += bytesOut(result);
    return result;
  } finally {
    b.durationsMs.push(performance.now() - started);
    b.invocations += 1;
    b.bytesIn += bytesIn;
  }
}

/** Runs bench-side work (registration, raw writes) under a tag so its calls are kept apart. */
export function runAs<T>(tag: Tag, work: () => Promise<T>): Promise<T> {
  return als.run(tag, work);
}

// ---- connection id → negotiated protocol (the $default event does not carry it) ----

const protocols = new Map<string, string>();
export const rememberProtocol = (connectionId: string, protocol: string) => void protocols.set(connectionId, protocol);
export const protocolOf = (connectionId: string) => protocols.get(connectionId) ?? 'unknown';

// ---- DynamoDB ----

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

type Attr = string | { S?: string } | undefined;
const prefixOf = (v: Attr): string => {
  const s = typeof v === 'string' ? v : v?.S;
  return s === undefined ? '?' : (s.split('#')[0] ?? '?');
};

interface KeyedInput {
  Key?: Record<string, Attr>;
  Item?: Record<string, Attr>;
  IndexName?: string;
  ExpressionAttributeValues?: Record<string, Attr>;
  TransactItems?: Array<Record<string, KeyedInput>>;
}

/** `GetItem CONN`, `Query gsi2 STATUS`, `TransactWriteItems[Put CONN, Update CP, Put LOG]`. */
export function shapeOf(command: string, input: KeyedInput): string {
  if (input.TransactItems) {
    const parts = input.TransactItems.map((t) => {
      const [op, body] = Object.entries(t)[0] ?? ['?', {}];
      return `${op} ${prefixOf((body.Key ?? body.Item)?.pk)}`;
    });
    return `${command}[${parts.join(', ')}]`;
  }
  if (input.Key || input.Item) return `${command} ${prefixOf((input.Key ?? input.Item)?.pk)}`;
  const first = Object.values(input.ExpressionAttributeValues ?? {})[0];
  return `${command}${input.IndexName ? ` ${input.IndexName}` : ''} ${prefixOf(first)}`;
}

interface Consumed {
  CapacityUnits?: number;
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

let inflight = 0;
let inflightArea = 0;
let inflightSince = performance.now();
function trackInflight(delta: number): void {
  const now = performance.now();
  inflightArea += inflight * (now - inflightSince);
  inflightSince = now;
  inflight += delta;
}

/** Cumulative (in-flight DynamoDB requests × ms): the difference over a window ÷ its length is the mean concurrency. */
export function ddbInflightArea(): number {
  trackInflight(0);
  return inflightArea;
}

const shadow = new ItemShadow();

interface WriteInput {
  Item?: Doc;
  Key?: Doc;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
  TransactItems?: TransactItemInput[];
}

/** Units of a successful write from item sizes (document-client input only), keeping the shadow current. */
function computeWrite(command: string, raw: unknown): Units | undefined {
  const input = raw as WriteInput;
  const isDocument = (d: Doc | undefined) => d !== undefined && typeof d.pk === 'string';
  switch (command) {
    case 'TransactWriteItems':
      return input.TransactItems ? transactionWriteUnits(input.TransactItems, shadow) : undefined;
    case 'PutItem': {
      if (!isDocument(input.Item)) return undefined;
      const item = shadow.put(input.Item!);
      const units = writeUnits(itemSize(item));
      return { table: units, indexes: units * indexCount(item) };
    }
    case 'UpdateItem': {
      if (!isDocument(input.Key)) return undefined;
      const before = shadow.get(input.Key!) ?? input.Key!;
      const after = shadow.update(input.Key!, input.UpdateExpression ?? '', input.ExpressionAttributeNames, input.ExpressionAttributeValues);
      const units = writeUnits(Math.max(itemSize(before), itemSize(after)));
      return { table: units, indexes: units * Math.max(indexCount(before), indexCount(after)) };
    }
    case 'DeleteItem': {
      if (!isDocument(input.Key)) return undefined;
      const before = shadow.delete(input.Key!);
      const units = writeUnits(itemSize(before));
      return { table: units, indexes: units * indexCount(before) };
    }
    default:
      return undefined;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStack = { middlewareStack: { add: (mw: any, opts: any) => void } };

/** Tags every request of the shared DynamoDB client (the document client shares its stack). */
export function tagDynamoDb(client: AnyStack): void {
  client.middlewareStack.add(
    (next: (args: { input: unknown }) => Promise<{ output: unknown }>, context: { commandName?: string }) =>
      async (args: { input: unknown }) => {
        const command = String(context.commandName ?? '?').replace(/Command$/, '');
        const input = args.input as KeyedInput & { ReturnConsumedCapacity?: string };
        const isRead = READS.has(command);
        const isWrite = WRITES.has(command);
        // Bench-only opt-in: DynamoDB Local then reports table and index units like DynamoDB does.
        if ((isRead || isWrite) && input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'INDEXES';
        const b = bucketFor(als.getStore());
        const book = b.ddb;
        book.requests[command] = (book.requests[command] ?? 0) + 1;
        const shape = shapeOf(command, input);
        book.shapes[shape] = (book.shapes[shape] ?? 0) + 1;
        if (isRead) book.readRequests += 1;
        if (isWrite) book.writeRequests += 1;
        const puts = input.TransactItems ? input.TransactItems.map((t) => t.Put?.Item).filter((x) => x !== undefined) : command === 'PutItem' && input.Item ? [input.Item] : [];
        for (const item of puts) {
          book.itemsPut += 1;
          book.itemBytesPut += itemSize(item as Doc);
        }
        trackInflight(1);
        try {
          const result = await next(args);
          const out = result.output as { ConsumedCapacity?: Consumed | Consumed[] };
          const consumed = out?.ConsumedCapacity === undefined ? [] : Array.isArray(out.ConsumedCapacity) ? out.ConsumedCapacity : [out.ConsumedCapacity];
          if (consumed.length) book.measured += 1;
          let reported = 0;
          let reportedGsi = 0;
          for (const c of consumed) {
            reported += c.CapacityUnits ?? 0;
            reportedGsi += Object.values(c.GlobalSecondaryIndexes ?? {}).reduce((sum, g) => sum + (g.CapacityUnits ?? 0), 0);
          }
          if (isRead) book.readUnits += reported;
          if (isWrite) {
            book.reportedWriteUnits += reported;
            const computed = computeWrite(command, input);
            if (command === 'TransactWriteItems' && computed) {
              book.writeUnits += computed.table + computed.indexes;
              book.writeUnitsGsi += computed.indexes;
              book.computedTransactions += 1;
            } else {
              book.writeUnits += reported;
              book.writeUnitsGsi += reportedGsi;
              if (computed && consumed.length) {
                book.checkedWrites += 1;
                if (computed.table + computed.indexes !== reported) book.mismatchedWrites += 1;
              }
            }
          }
          return result;
        } catch (err) {
          book.failedRequests += 1;
          throw err;
        } finally {
          trackInflight(-1);
        }
      },
    { step: 'initialize', name: 'bench-tagging', priority: 'high' },
  );
}

// ---- EventBridge and the Management API ----

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Sendable = { prototype: { send: (...args: any[]) => any } };

/**
 * Counts what instances of an SDK client class send, by tag. The handlers create their EventBridge
 * and Management API clients privately, so the bench wraps `send` on the class prototype (in this
 * process only).
 */
export function countSends(clientClass: Sendable, service: 'events' | 'management'): void {
  const original = clientClass.prototype.send;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  clientClass.prototype.send = function (this: unknown, command: any, ...rest: unknown[]) {
    const b = bucketFor(als.getStore());
    const name = String(command?.constructor?.name ?? '?').replace(/Command$/, '');
    if (service === 'events') {
      b.putEventsCalls += 1;
      const entries: Array<{ DetailType?: string }> = Array.isArray(command?.input?.Entries) ? command.input.Entries : [];
      b.events += entries.length;
      for (const e of entries) b.eventTypes[e.DetailType ?? '?'] = (b.eventTypes[e.DetailType ?? '?'] ?? 0) + 1;
    } else b.management[name] = (b.management[name] ?? 0) + 1;
    return original.call(this, command, ...rest);
  };
}

// ---- Logs ----

const shownErrors: string[] = [];
const MAX_SHOWN = 5;

/**
 * Log lines written inside a tagged invocation are what CloudWatch Logs would ingest: counted (bytes
 * and lines) and kept off the terminal, except the first few warn/error lines, which are shown.
 */
export function captureHandlerLogs(): void {
  for (const level of ['log', 'info', 'debug', 'warn', 'error'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      const tag = als.getStore();
      if (!tag) return original(...args);
      const line = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      const b = bucketFor(tag);
      b.logBytes += Buffer.byteLength(line) + 1;
      b.logLines += 1;
      if (level === 'error' || level === 'warn') {
        b.errorLines += 1;
        if (shownErrors.length < MAX_SHOWN) {
          shownErrors.push(line);
          original(`[handler ${tag.fn} ${tag.type}] ${line.slice(0, 400)}`);
        }
      }
    };
  }
}
