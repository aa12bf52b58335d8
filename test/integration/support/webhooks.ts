// The CPO's side of a webhook in tests: a real HTTP receiver on a free loopback port, subscribed
// through the operator API, that keeps every delivery as it arrived (headers and raw body) so a
// test can verify the signature with the secret the subscription returned.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { apiClient } from './api';

export interface WebhookDelivery {
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface WebhookReceiver {
  /** Every delivery so far, in arrival order. */
  readonly received: WebhookDelivery[];
  /** The subscription's signing secret (shown once, at creation). */
  readonly secret: string;
  close(): Promise<void>;
}

export async function aWebhookReceiver(api: ReturnType<typeof apiClient>, operatorKey: string, eventTypes: readonly string[], path = '/hooks'): Promise<WebhookReceiver> {
  const received: WebhookDelivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const sub = await api<{ secret: string }>('POST', '/api/v1/operator/webhooks', {
    token: operatorKey,
    body: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, event_types: eventTypes },
  });
  expect(sub.status).toBe(201);
  return { received, secret: sub.body.secret, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A receiver that answers every delivery 204 and keeps nothing: for tests that need a webhook URL, not its deliveries. */
export async function aSinkServer(): Promise<{ readonly url: (path?: string) => string; readonly close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: (path = '/hooks') => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
