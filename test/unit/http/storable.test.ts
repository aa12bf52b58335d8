// The one walk over every parsed JSON body (lib/http/storable.ts): numbers DynamoDB cannot store and
// strings a strict JSON reader cannot read back are 400s naming the field, before any route runs.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { httpHandler } from '../../../lib/http/handler';
import { unstorableValues } from '../../../lib/http/storable';

describe('unstorableValues', () => {
  it('takes what can be stored: 0, 1e-130 up to Number.MAX_SAFE_INTEGER, either sign; tabs, newlines and paired surrogates', () => {
    expect(unstorableValues({ a: [0, -0, 1e-130, -1e-130, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1.5], s: 'tab\there\nnew 🙂', n: null, t: true })).toEqual([]);
  });

  it('names each refused value by its path, as request validation names fields', () => {
    // A bad field name is found on the way into its object, before the values inside it.
    expect(unstorableValues({ share: 1e-300, current_a: [1, -1e-131, 2 ** 53], nested: { deep: [{ text: '\udfffz' }] }, nul: 'a\u0000b', [`k\ud800`]: 1 })).toEqual([
      { field: 'body', message: expect.stringMatching(/^field names .*surrogate/) },
      { field: 'share', message: expect.stringMatching(/1e-130/) },
      { field: 'current_a.1', message: expect.stringMatching(/1e-130/) },
      { field: 'current_a.2', message: 'is too large' },
      { field: 'nested.deep.0.text', message: expect.stringMatching(/surrogate/) },
      { field: 'nul', message: expect.stringMatching(/NUL/) },
    ]);
    expect(unstorableValues(Infinity)).toEqual([{ field: 'body', message: expect.any(String) }]);
    expect(unstorableValues('\ude00')).toEqual([{ field: 'body', message: expect.any(String) }]);
  });

  it('walks a deeply nested body without recursion and reports at most 20 values', () => {
    let deep: unknown = 1e-200;
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    expect(unstorableValues(deep)).toEqual([{ field: `${'0.'.repeat(200_000)}`.slice(0, -1), message: expect.any(String) }]);
    expect(unstorableValues(Array.from({ length: 1000 }, () => 1e-300))).toHaveLength(20);
  });
});

describe('httpHandler', () => {
  const handler = httpHandler({ action: 'public', auth: 'none', body: z.object({ share: z.number().gt(0).max(1), text: z.string().optional() }) }, async () => ({ body: {} }));
  const csv = httpHandler({ action: 'public', auth: 'none', body: z.string(), bodyMedia: 'text/csv' }, async () => ({ body: {} }));
  const send = async (h: typeof handler, body: string, contentType = 'application/json') => {
    const event = { rawPath: '/t', headers: { 'content-type': contentType }, body, isBase64Encoded: false, requestContext: { http: { method: 'POST' } } } as unknown as APIGatewayProxyEventV2;
    const res = (await h(event, {} as Context)) as { statusCode: number; headers: Record<string, string>; body: string };
    return { status: res.statusCode, type: res.headers['content-type'], errors: res.body ? (JSON.parse(res.body) as { errors?: Array<{ field: string }> }).errors : undefined };
  };

  it('refuses a JSON body the schema would take but DynamoDB would not store, as problem+json naming the field', async () => {
    expect(await send(handler, '{"share":1e-300}')).toEqual({ status: 400, type: 'application/problem+json', errors: [{ field: 'share', message: expect.any(String) }] });
    expect(await send(handler, '{"share":1,"text":"\\udfffz"}')).toEqual({ status: 400, type: 'application/problem+json', errors: [{ field: 'text', message: expect.any(String) }] });
    expect((await send(handler, '{"share":1,"text":"ok\\t\\n"}')).status).toBe(200);
  });

  it('refuses a NUL in a text (CSV) body', async () => {
    expect(await send(csv, 'name\nA\u0000B\n', 'text/csv')).toEqual({ status: 400, type: 'application/problem+json', errors: [{ field: 'body', message: expect.stringMatching(/NUL/) }] });
    expect((await send(csv, 'name\nAB\n', 'text/csv')).status).toBe(200);
  });
});
