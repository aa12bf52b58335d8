import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { clientIp } from '../../../lib/http/client-ip';

const from = (sourceIp?: string, headers: Record<string, string> = {}) => ({ headers, requestContext: { http: sourceIp === undefined ? {} : { sourceIp } } }) as unknown as APIGatewayProxyEventV2;

describe('the client of a request, for per-client limits', () => {
  it('is the IPv4 source address API Gateway saw, not X-Forwarded-For', () => {
    expect(clientIp(from('203.0.113.7', { 'x-forwarded-for': '198.51.100.1' }))).toBe('203.0.113.7');
  });

  it('is the /64 of an IPv6 source, however the address is written', () => {
    const a = clientIp(from('2001:db8:0:1::1'));
    expect(a).toBe('2001:db8:0:1::/64');
    expect(clientIp(from('2001:0DB8:0000:0001:ffff:ffff:ffff:fffe'))).toBe(a);
    expect(clientIp(from('2001:db8::1'))).toBe('2001:db8:0:0::/64');
    expect(clientIp(from('::1'))).toBe('0:0:0:0::/64');
    expect(clientIp(from('2001:db8:0:2::1'))).not.toBe(a);
  });

  it('is one shared bucket when the source is missing', () => {
    expect(clientIp(from())).toBe('unknown');
  });
});
