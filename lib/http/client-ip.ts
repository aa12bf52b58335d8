import { isIPv6 } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * The client, for per-client limits: the source IP API Gateway saw (the local runtime sets the
 * same field), never X-Forwarded-For, which the client writes itself. An IPv6 client is its /64:
 * one subscriber usually gets a whole /64, so counting single addresses would give them 2^64
 * fresh identities.
 */
export function clientIp(event: APIGatewayProxyEventV2): string {
  const ip = event.requestContext?.http?.sourceIp;
  if (!ip) return 'unknown';
  return isIPv6(ip) ? `${ipv6Prefix64(ip)}::/64` : ip;
}

/** The first four hextets of an IPv6 address, expanded and lower-case (`2001:db8:0:1`). */
export function ipv6Prefix64(ip: string): string {
  const [head = '', tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) takes two hextets; it only ever sits past the /64.
  const width = (parts: string[]) => parts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
  const hextets = tail === undefined ? left : [...left, ...Array<string>(8 - width(left) - width(right)).fill('0'), ...right];
  return hextets
    .slice(0, 4)
    .map((h) => (h.includes('.') ? '0' : parseInt(h, 16).toString(16)))
    .join(':');
}
