// The external backoffice probe's SSRF guard (issue #17 §3): which addresses it connects to, and that
// a name resolving to a non-public address is refused before any connection is made.
import { describe, expect, it } from 'vitest';
import { isPublicAddress, wsProbe } from '../../../lib/ocpp/backoffice-probe';

describe('isPublicAddress', () => {
  it('refuses private, loopback, link-local, CGNAT, multicast and unspecified addresses of both families', () => {
    for (const a of ['10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '127.0.0.1', '127.8.8.8', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', 'fc12::3', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
      expect([a, isPublicAddress(a)]).toEqual([a, false]);
    }
  });
  it('accepts public unicast addresses', () => {
    for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.4.4']) expect([a, isPublicAddress(a)]).toEqual([a, true]);
  });
});

describe('wsProbe', () => {
  it('refuses a host name that resolves to loopback without connecting', async () => {
    const r = await wsProbe('wss://localhost:1/ocpp', { identity: 'CP-1', subprotocol: 'ocpp2.0.1' });
    expect(r).toMatchObject({ ok: false, refusedAddress: true });
    expect(r.detail).toMatch(/not a public address/);
  });
});
