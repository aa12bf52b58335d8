// Which webhook URLs are accepted: https to public addresses only (SSRF), localhost only when the
// local runtime allows it, and the same address check on the connection made at delivery time.
import { describe, expect, it } from 'vitest';
import { checkWebhookUrlShape, lookupPublicOnly, nonPublicReason, validateWebhookUrl, type Resolver } from '../../../lib/webhooks/url';

const AWS = { allowLocalhost: false };
const LOCAL = { allowLocalhost: true };
const resolvesTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses;
const doesNotResolve: Resolver = async () => {
  throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
};

describe('nonPublicReason', () => {
  it.each([
    ['0.0.0.0', /this network/],
    ['10.1.2.3', /private/],
    ['100.64.0.1', /shared/],
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['169.254.169.254', /link-local/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.0.0.8', /IETF/],
    ['192.0.2.10', /documentation/],
    ['192.168.1.1', /private/],
    ['198.18.0.1', /benchmarking/],
    ['203.0.113.5', /documentation/],
    ['224.0.0.251', /multicast/],
    ['240.0.0.1', /reserved/],
    ['255.255.255.255', /reserved/],
  ])('refuses the IPv4 address %s', (ip, reason) => {
    expect(nonPublicReason(ip)).toMatch(reason);
  });

  it.each(['1.1.1.1', '8.8.8.8', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '192.169.0.1', '11.0.0.1', '52.95.110.1'])(
    'accepts the public IPv4 address %s',
    (ip) => {
      expect(nonPublicReason(ip)).toBeUndefined();
    },
  );

  it.each([
    ['::', /unspecified/],
    ['::1', /loopback/],
    ['0:0:0:0:0:0:0:1', /loopback/],
    ['fe80::1', /link-local/],
    ['febf:ffff::1', /link-local/],
    ['fc00::1', /unique-local/],
    ['fd00:ec2::254', /unique-local/],
    ['fec0::1', /site-local/],
    ['ff02::1', /multicast/],
    ['2001:db8::1', /documentation/],
    ['3fff:0fff::1', /documentation/],
    ['2001::1', /IETF/],
    ['100::1', /reserved/],
    ['::1.2.3.4', /IPv4-compatible/],
    ['64:ff9b:1::1', /reserved/],
  ])('refuses the IPv6 address %s', (ip, reason) => {
    expect(nonPublicReason(ip)).toMatch(reason);
  });

  it.each(['2606:4700:4700::1111', '2a00:1450:4001:82a::200e', '2600::', '3fff:1000::1', '64:ff9b::808:808', '2002:808:808::1'])(
    'accepts the public IPv6 address %s',
    (ip) => {
      expect(nonPublicReason(ip)).toBeUndefined();
    },
  );

  it.each([
    ['::ffff:127.0.0.1', /IPv4-mapped.*loopback/],
    ['::ffff:7f00:1', /IPv4-mapped.*loopback/],
    ['::ffff:10.0.0.1', /IPv4-mapped.*private/],
    ['::ffff:169.254.169.254', /IPv4-mapped.*link-local/],
    ['0:0:0:0:0:ffff:c0a8:0101', /IPv4-mapped.*private/],
    ['64:ff9b::10.0.0.1', /NAT64.*private/],
    ['64:ff9b::7f00:1', /NAT64.*loopback/],
    ['2002:7f00:1::1', /6to4.*loopback/],
    ['2002:c0a8:101::', /6to4.*private/],
  ])('judges the IPv4 address inside %s', (ip, reason) => {
    expect(nonPublicReason(ip)).toMatch(reason);
  });

  it('accepts an IPv4-mapped public address the same as the address itself', () => {
    expect(nonPublicReason('::ffff:8.8.8.8')).toBeUndefined();
  });

  it.each(['fe80::1%eth0', 'localhost', '', '1.2.3', '01.2.3.4', '::g', '1.2.3.4.5'])('refuses %j, which is not a plain IP address', (ip) => {
    expect(nonPublicReason(ip)).toBeDefined();
  });
});

describe('checkWebhookUrlShape', () => {
  it('accepts https URLs with a port, path and query', () => {
    const r = checkWebhookUrlShape('https://hooks.example.com:8443/cpo/in?tenant=7', AWS);
    expect(r).toMatchObject({ ok: true, local: false });
  });

  it.each([
    ['http://hooks.example.com/in', /https/],
    ['ftp://hooks.example.com/in', /https/],
    ['hooks.example.com/in', /absolute URL/],
    ['https://user:pass@hooks.example.com/in', /credentials/],
    ['https://hooks.example.com/in#frag', /fragment/],
    ['https://localhost/in', /localhost/],
    ['https://api.localhost/in', /localhost/],
    ['http://localhost:3000/in', /https/],
    ['https://127.0.0.1/in', /loopback/],
    ['https://2130706433/in', /loopback/],
    ['https://0x7f.0.0.1/in', /loopback/],
    ['https://[::1]/in', /loopback/],
    ['https://[::ffff:10.0.0.1]/in', /private/],
    ['https://169.254.169.254/latest/meta-data', /link-local/],
    ['https://10.0.0.8/in', /private/],
    ['https://[fd00::1]/in', /unique-local/],
    [`https://example.com/${'a'.repeat(2048)}`, /at most 2048/],
  ])('refuses %s on AWS', (url, reason) => {
    const r = checkWebhookUrlShape(url, AWS);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(reason);
  });

  it.each(['http://localhost:3000/in', 'http://127.0.0.1:4567/hook', 'http://[::1]:8080/', 'https://localhost/in', 'http://LOCALHOST./x'])(
    'accepts the local receiver %s when the local runtime allows it',
    (url) => {
      expect(checkWebhookUrlShape(url, LOCAL)).toMatchObject({ ok: true, local: true });
    },
  );

  it('still refuses other private hosts and plain http elsewhere when localhost is allowed', () => {
    expect(checkWebhookUrlShape('http://10.0.0.1/in', LOCAL).ok).toBe(false);
    expect(checkWebhookUrlShape('https://192.168.0.10/in', LOCAL).ok).toBe(false);
    expect(checkWebhookUrlShape('http://hooks.example.com/in', LOCAL).ok).toBe(false);
  });

  it('refuses values that are not strings', () => {
    expect(checkWebhookUrlShape(42, AWS).ok).toBe(false);
    expect(checkWebhookUrlShape(undefined, AWS).ok).toBe(false);
  });
});

describe('validateWebhookUrl', () => {
  it('accepts a host that resolves only to public addresses, and normalizes the URL', async () => {
    expect(await validateWebhookUrl('https://Hooks.Example.com/in', AWS, resolvesTo('93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'))).toEqual({
      ok: true,
      url: 'https://hooks.example.com/in',
    });
  });

  it('refuses a host with any private address among its answers (a rebinding-friendly name)', async () => {
    const r = await validateWebhookUrl('https://hooks.example.com/in', AWS, resolvesTo('93.184.215.14', '10.0.0.5'));
    expect(r).toEqual({ ok: false, message: 'must not resolve to a private address (hooks.example.com resolves to 10.0.0.5)' });
  });

  it('refuses a host resolving to the metadata service, IPv4-mapped loopback or unique-local', async () => {
    for (const address of ['169.254.169.254', '::ffff:127.0.0.1', 'fd00:ec2::254']) {
      expect((await validateWebhookUrl('https://metadata.example.com/', AWS, resolvesTo(address))).ok).toBe(false);
    }
  });

  it('refuses a host that does not resolve, or resolves to nothing', async () => {
    expect(await validateWebhookUrl('https://nowhere.invalid/in', AWS, doesNotResolve)).toEqual({ ok: false, message: 'must name a host that resolves (nowhere.invalid does not)' });
    expect((await validateWebhookUrl('https://empty.example.com/in', AWS, resolvesTo())).ok).toBe(false);
  });

  it('does not resolve public IP literals or allowed local receivers', async () => {
    expect((await validateWebhookUrl('https://8.8.8.8/in', AWS, doesNotResolve)).ok).toBe(true);
    expect((await validateWebhookUrl('http://localhost:9/in', LOCAL, doesNotResolve)).ok).toBe(true);
  });
});

describe('lookupPublicOnly (the check on the connection itself)', () => {
  const lookupOf = (allowLoopback: boolean, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) => {
      lookupPublicOnly({ allowLoopback })('localhost', { all }, (err, address) => resolve({ err, address }));
    });

  it('refuses to connect to a name that resolves to loopback', async () => {
    const { err } = await lookupOf(false, false);
    expect(err?.code).toBe('EADDRNOTALLOWED');
    expect(err?.message).toMatch(/localhost resolves to a loopback address/);
  });

  it('connects to loopback when the local runtime allows it, in both lookup shapes', async () => {
    const single = await lookupOf(true, false);
    expect(single.err).toBeNull();
    expect(typeof single.address).toBe('string');
    const all = await lookupOf(true, true);
    expect(all.err).toBeNull();
    expect(Array.isArray(all.address)).toBe(true);
  });
});
