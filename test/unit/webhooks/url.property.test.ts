// Property tests for the webhook URL validator: it faces customer input, so it must never throw,
// and its answers must agree between the IPv4 and IPv4-mapped IPv6 spellings of an address.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWebhookUrlShape, nonPublicReason, validateWebhookUrl } from '../../../lib/webhooks/url';

const policies = fc.record({ allowLocalhost: fc.boolean() });
const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const anyUrlish = fc.oneof(
  fc.string(),
  fc.webUrl({ withFragments: true, withQueryParameters: true }),
  fc.tuple(fc.constantFrom('http://', 'https://', 'ftp://', '//', ''), fc.oneof(fc.domain(), v4, fc.ipV6().map((a) => `[${a}]`)), fc.string()).map((p) => p.join('')),
);

describe('webhook URL validator properties', () => {
  it('never throws, whatever the input and policy', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyUrlish, fc.anything()), policies, fc.array(fc.oneof(v4, fc.ipV6(), fc.string()), { maxLength: 3 }), async (raw, policy, answers) => {
        const result = await validateWebhookUrl(raw, policy, async () => answers);
        expect(typeof result.ok).toBe('boolean');
        expect(checkWebhookUrlShape(raw, policy).ok).toBeTypeOf('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('only ever accepts https, or http to a local receiver when allowed', async () => {
    await fc.assert(
      fc.asyncProperty(anyUrlish, policies, async (raw, policy) => {
        const result = await validateWebhookUrl(raw, policy, async () => ['93.184.215.14']);
        if (result.ok) {
          const url = new URL(result.url);
          expect(url.protocol === 'https:' || (policy.allowLocalhost && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname.replace(/\.$/, '')))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never accepts a host that resolves to a non-public address', async () => {
    const privateV4 = fc.oneof(
      fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `10.${a}.${b}.${c}`),
      fc.tuple(fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `172.${a}.${b}.${c}`),
      fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `192.168.${a}.${b}`),
      fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `127.${a}.${b}.${c}`),
      fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `169.254.${a}.${b}`),
    );
    const address = fc.oneof(privateV4, privateV4.map((a) => `::ffff:${a}`), fc.constantFrom('::1', 'fe80::1', 'fd12:3456::1', 'fc00::'));
    await fc.assert(
      fc.asyncProperty(fc.domain(), address, async (host, ip) => {
        expect(nonPublicReason(ip)).toBeDefined();
        expect((await validateWebhookUrl(`https://${host}/hook`, { allowLocalhost: false }, async () => [ip])).ok).toBe(false);
      }),
    );
  });

  it('classifies an IPv4 address and its IPv4-mapped IPv6 form alike', () => {
    fc.assert(
      fc.property(v4, (ip) => {
        expect(nonPublicReason(`::ffff:${ip}`) === undefined).toBe(nonPublicReason(ip) === undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary strings and IPv6 addresses', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.ipV6(), fc.ipV4Extended()), (s) => {
        const r = nonPublicReason(s);
        expect(r === undefined || typeof r === 'string').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
