import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { LocalStartError } from '../../../local/errors';
import { ocppEndpointOf, publicBaseUrl } from '../../../local/public-url';

const iface = (address: string, internal: boolean, family: 'IPv4' | 'IPv6' = 'IPv4') => ({ address, internal, family }) as NetworkInterfaceInfo;
const LAN = { lo: [iface('127.0.0.1', true)], eth0: [iface('fe80::1', false, 'IPv6'), iface('192.168.1.20', false)] };

describe('publicBaseUrl', () => {
  it('hands out the LAN address, not localhost, when listening on every interface', () => {
    // Prepare / Act
    const base = publicBaseUrl({ host: '0.0.0.0', port: 3000, interfaces: LAN });
    // Assess
    expect(base).toBe('http://192.168.1.20:3000');
    expect(ocppEndpointOf(base)).toBe('ws://192.168.1.20:3000/ocpp');
    expect(publicBaseUrl({ host: '::', port: 3000, interfaces: LAN })).toBe('http://192.168.1.20:3000');
  });

  it('uses --public-url when given, and its scheme for the OCPP endpoint', () => {
    const base = publicBaseUrl({ host: '0.0.0.0', port: 3000, publicUrl: 'https://cp.example.org/', interfaces: LAN });
    expect(base).toBe('https://cp.example.org');
    expect(ocppEndpointOf(base)).toBe('wss://cp.example.org/ocpp');
  });

  it('keeps localhost for a loopback listener and the named host otherwise', () => {
    expect(publicBaseUrl({ host: '127.0.0.1', port: 3000 })).toBe('http://localhost:3000');
    expect(publicBaseUrl({ host: '192.168.1.20', port: 3001 })).toBe('http://192.168.1.20:3001');
  });

  it('refuses a --public-url that is not an http(s) URL, with a hint', () => {
    expect(() => publicBaseUrl({ host: '0.0.0.0', port: 3000, publicUrl: '192.168.1.20:3000' })).toThrow(LocalStartError);
    expect(() => publicBaseUrl({ host: '0.0.0.0', port: 3000, publicUrl: 'ftp://x' })).toThrow(LocalStartError);
  });
});
