// Loads handler modules by their route-table entry path and invokes them the way Lambda does.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

export const REPO_ROOT = resolve(import.meta.dirname, '..');

const cache = new Map<string, Promise<Handler>>();

export function loadHandler(entry: string): Promise<Handler> {
  let loaded = cache.get(entry);
  if (!loaded) {
    loaded = import(pathToFileURL(resolve(REPO_ROOT, entry)).href).then((mod: { handler?: unknown }) => {
      if (typeof mod.handler !== 'function') throw new Error(`${entry} does not export a handler function`);
      return mod.handler as Handler;
    });
    cache.set(entry, loaded);
  }
  return loaded;
}

export function lambdaContext(entry: string, timeoutMs = 29_000): Context {
  const started = Date.now();
  const name = entry.replace(/^functions\//, '').replace(/\.ts$/, '').replaceAll('/', '-');
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function invoke(entry: string, event: unknown): Promise<unknown> {
  const handler = await loadHandler(entry);
  return handler(event, lambdaContext(entry));
}
