// Which webhook URLs we will call. A webhook URL is typed by a customer and fetched by our Lambda, so
// it is a server-side request forgery vector: only https, and only hosts that resolve to public
// addresses (no private, loopback, link-local, unique-local, CGNAT, metadata or reserved ranges).
// The check runs at create/update time (to give a clear 400) and again on every connection at
// delivery time (lookupPublicOnly), because DNS can change between the two (DNS rebinding).
// Ranges: the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and updates).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, isIPv4, type LookupFunction } from 'node:net';

export const MAX_URL_LENGTH = 2048;

type V4Range = readonly [base: string, prefix: number, reason: string];

const V4_NON_PUBLIC: readonly V4Range[] = [
  ['0.0.0.0', 8, 'a "this network" address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a shared (carrier-grade NAT) address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'an IETF protocol assignment'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.88.99.0', 24, 'a deprecated 6to4 relay address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
];

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function v4Reason(ip: string): string | undefined {
  const n = v4ToInt(ip);
  for (const [base, prefix, reason] of V4_NON_PUBLIC) {
    const size = 2 ** (32 - prefix);
    const start = v4ToInt(base);
    if (n >= start && n < start + size) return reason;
  }
  return undefined;
}

/** Eight 16-bit groups, or undefined if `ip` is not an IPv6 address (a zone id is refused by the caller). */
function parseV6(ip: string): number[] | undefined {
  if (isIP(ip) !== 6) return undefined;
  let text = ip;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (isIPv4(maybeV4)) {
    const n = v4ToInt(maybeV4);
    tail.push(Math.floor(n / 65536), n % 65536);
    text = `${text.slice(0, lastColon + 1)}0`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  // The dotted tail was replaced by one placeholder group; the two tail groups take its place.
  if (tail.length) (rest === undefined ? left : right).pop();
  const fill = 8 - tail.length - left.length - right.length;
  const groups = rest === undefined ? [...left, ...tail] : [...left, ...new Array<number>(Math.max(fill, 0)).fill(0), ...right, ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function embeddedV4(hi: number, lo: number): string {
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

function v6Reason(g: number[]): string | undefined {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, h7 = 0, h8 = 0] = g;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'the unspecified address';
  if (zeroUpTo(7) && h8 === 1) return 'a loopback address';
  // ::ffff:a.b.c.d reaches the IPv4 host a.b.c.d: judge it as that address.
  if (zeroUpTo(5) && f === 0xffff) {
    const inner = v4Reason(embeddedV4(h7, h8));
    return inner && `an IPv4-mapped address of ${inner}`;
  }
  if (zeroUpTo(6)) return 'a deprecated IPv4-compatible address';
  // NAT64 well-known prefix 64:ff9b::/96 translates to the embedded IPv4 address.
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) {
    const inner = v4Reason(embeddedV4(h7, h8));
    return inner && `a NAT64 address of ${inner}`;
  }
  if ((a & 0xfe00) === 0xfc00) return 'a unique-local address';
  if ((a & 0xffc0) === 0xfe80) return 'a link-local address';
  if ((a & 0xffc0) === 0xfec0) return 'a deprecated site-local address';
  if ((a & 0xff00) === 0xff00) return 'a multicast address';
  // Only global unicast (2000::/3) is public; inside it, a few special blocks are not.
  if ((a & 0xe000) !== 0x2000) return 'a reserved address';
  if (a === 0x2001 && b <= 0x01ff) return 'an IETF protocol assignment (Teredo, ORCHID, …)';
  if (a === 0x2001 && b === 0x0db8) return 'a documentation address';
  if (a === 0x3fff && b <= 0x0fff) return 'a documentation address';
  if (a === 0x2002) {
    // 6to4: 2002:AABB:CCDD::/48 carries the IPv4 address AA.BB.CC.DD.
    const inner = v4Reason(embeddedV4(b, c));
    return inner && `a 6to4 address of ${inner}`;
  }
  return undefined;
}

/**
 * Why `ip` is not a public unicast address (e.g. "a private address"), or undefined when it is
 * public. Anything that is not a plain IPv4/IPv6 address (including scoped `fe80::1%eth0`) is refused.
 */
export function nonPublicReason(ip: string): string | undefined {
  if (isIPv4(ip)) return v4Reason(ip);
  if (ip.includes('%')) return 'a scoped address';
  const groups = parseV6(ip);
  if (!groups) return 'not an IP address';
  return v6Reason(groups);
}

export function isLoopback(ip: string): boolean {
  const reason = nonPublicReason(ip);
  return !!reason && /loopback/.test(reason);
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface UrlPolicy {
  /** Allow `http://localhost`, `127.0.0.1` and `[::1]` (the local runtime; never on AWS). */
  readonly allowLocalhost: boolean;
}

export type UrlCheck =
  | { readonly ok: true; readonly url: URL; /** The host is a permitted local receiver: loopback addresses are fine. */ readonly local: boolean }
  | { readonly ok: false; readonly message: string };

/** The synchronous part of the rules: shape, scheme, credentials, IP literals. Never throws. */
export function checkWebhookUrlShape(raw: unknown, policy: UrlPolicy): UrlCheck {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, message: 'must be a URL' };
  if (raw.length > MAX_URL_LENGTH) return { ok: false, message: `must be at most ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'must be an absolute URL' };
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const local = policy.allowLocalhost && LOCAL_HOSTS.has(host);
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    return { ok: false, message: policy.allowLocalhost ? 'must use https (http only for localhost)' : 'must use https' };
  }
  if (url.username || url.password) return { ok: false, message: 'must not contain credentials; authenticate requests with the signature' };
  if (url.hash) return { ok: false, message: 'must not contain a fragment' };
  if (!host) return { ok: false, message: 'must have a host' };
  if (local) return { ok: true, url, local: true };
  if (host === 'localhost' || host.endsWith('.localhost')) return { ok: false, message: 'must not point at localhost' };
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(literal)) {
    const reason = nonPublicReason(literal);
    if (reason) return { ok: false, message: `must not point at ${reason} (${literal})` };
  }
  return { ok: true, url, local: false };
}

export type Resolver = (hostname: string) => Promise<readonly string[]>;

/** Every address the OS resolver gives for a host (what the HTTP client would connect to). */
export const resolveHost: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses.map((a) => a.address))));
  });

export type UrlValidation = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly message: string };

/**
 * The full rule for create/update: shape, then every address the host resolves to must be public.
 * Never throws (a resolver failure is a "must name a host that resolves" answer).
 */
export async function validateWebhookUrl(raw: unknown, policy: UrlPolicy, resolver: Resolver = resolveHost): Promise<UrlValidation> {
  const shape = checkWebhookUrlShape(raw, policy);
  if (!shape.ok) return shape;
  if (shape.local) return { ok: true, url: shape.url.href };
  const host = shape.url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return { ok: true, url: shape.url.href };
  let addresses: readonly string[];
  try {
    addresses = await resolver(host);
  } catch {
    return { ok: false, message: `must name a host that resolves (${host} does not)` };
  }
  // Messages read as "The webhook URL is not acceptable: it <message>", like the shape rules above.
  if (addresses.length === 0) return { ok: false, message: `must name a host that resolves (${host} does not)` };
  for (const address of addresses) {
    const reason = nonPublicReason(address);
    if (reason) return { ok: false, message: `must not resolve to ${reason} (${host} resolves to ${address})` };
  }
  return { ok: true, url: shape.url.href };
}

/** The error a connection gets when its host resolves to a refused address. */
export class AddressNotAllowed extends Error {
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${hostname} resolves to ${reason} (${address}); refusing to connect`);
    this.name = 'AddressNotAllowed';
  }
}

/**
 * A `lookup` for http.request/net.connect that resolves as usual and refuses to connect when any
 * address is not public. The check and the connection use the same answer, so a rebinding DNS
 * server cannot pass the check with one address and be connected to with another.
 */
export function lookupPublicOnly(opts: { allowLoopback: boolean }): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const reason = nonPublicReason(a.address);
        if (reason && !(opts.allowLoopback && isLoopback(a.address))) {
          return callback(Object.assign(new AddressNotAllowed(hostname, a.address, reason), { code: 'EADDRNOTALLOWED' }), []);
        }
      }
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }), []);
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}
