// The database's own ceiling: plain PutItem on the same DynamoDB Local, same table, same SDK client
// (so the same socket pool) as the handlers, at the same concurrency as the OCPP run (one closed-loop
// writer per charger), with items of the same size as the mix's log items.
import { performance } from 'node:perf_hooks';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface RawWriteResult {
  readonly concurrency: number;
  readonly elapsedMs: number;
  readonly writes: number;
  readonly errors: number;
  readonly itemBytes: number;
  readonly latencyMs: number[];
}

/** An item of about `bytes` (JSON length) shaped like a log entry, expiring in a day. */
export function rawItem(worker: number, n: number, bytes: number): Record<string, unknown> {
  const base = { pk: `BENCHRAW#${worker}`, sk: `${new Date().toISOString()}#${n}`, type: 'bench_raw', expiresAt: Math.floor(Date.now() / 1000) + 86_400, frame: '' };
  const pad = Math.max(0, bytes - JSON.stringify(base).length);
  return { ...base, frame: 'x'.repeat(pad) };
}

export async function rawPutItems(opts: { client: DynamoDBDocumentClient; tableName: string; concurrency: number; seconds: number; itemBytes: number }): Promise<RawWriteResult> {
  const deadline = performance.now() + opts.seconds * 1000;
  const latencyMs: number[] = [];
  let writes = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async (_, worker) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const t0 = performance.now();
        try {
          await opts.client.send(new PutCommand({ TableName: opts.tableName, Item: rawItem(worker, n, opts.itemBytes) }));
          latencyMs.push(performance.now() - t0);
          writes += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { concurrency: opts.concurrency, elapsedMs: performance.now() - started, writes, errors, itemBytes: opts.itemBytes, latencyMs };
}
