// Signatures by the Standard Webhooks scheme, checked with the receiver-side library itself.
import { describe, expect, it } from 'vitest';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { generateSigningSecret, signWebhook } from '../../../lib/webhooks/signing';

const body = JSON.stringify({ id: 'evt-1', type: 'charge_point.connected', version: 1, time: new Date().toISOString(), operator_id: 'op_1', data: { a: 1 } });

describe('webhook signing', () => {
  it('generates whsec_ secrets of 32 random bytes, never the same twice', () => {
    const a = generateSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(a);
  });

  it('round-trips: a receiver with the secret verifies and gets the payload back', () => {
    const secret = generateSigningSecret();
    const headers = signWebhook([secret], 'evt-1', new Date(), body);
    expect(headers['webhook-id']).toBe('evt-1');
    expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('fails verification with the wrong secret', () => {
    const headers = signWebhook([generateSigningSecret()], 'evt-1', new Date(), body);
    expect(() => new Webhook(generateSigningSecret()).verify(body, { ...headers })).toThrow(WebhookVerificationError);
  });

  it('fails verification when the body, id or timestamp was altered', () => {
    const secret = generateSigningSecret();
    const headers = signWebhook([secret], 'evt-1', new Date(), body);
    const wh = new Webhook(secret);
    expect(() => wh.verify(body.replace('"a":1', '"a":2'), { ...headers })).toThrow(/No matching signature/);
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'evt-2' })).toThrow(/No matching signature/);
    expect(() => wh.verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) })).toThrow(/No matching signature/);
  });

  it('signs with both secrets during a rotation, so receivers holding either one verify', () => {
    const [current, previous] = [generateSigningSecret(), generateSigningSecret()];
    const headers = signWebhook([current, previous], 'evt-1', new Date(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(previous).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(generateSigningSecret()).verify(body, { ...headers })).toThrow(WebhookVerificationError);
  });

  it('uses the attempt time, so a stale retry is re-signed rather than rejected as too old', () => {
    const secret = generateSigningSecret();
    const old = signWebhook([secret], 'evt-1', new Date(Date.now() - 10 * 60_000), body);
    expect(() => new Webhook(secret).verify(body, { ...old })).toThrow(/too old/);
  });

  it('refuses to sign without a secret', () => {
    expect(() => signWebhook([], 'evt-1', new Date(), body)).toThrow();
  });
});
