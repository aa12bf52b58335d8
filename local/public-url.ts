// The address handed out in links (OCPP endpoint, email links, certificate links). The server may
// listen on 0.0.0.0, but nobody can connect *to* 0.0.0.0, and `localhost` on a phone or a charger
// is the phone or the charger: when serving the LAN, hand out an address the LAN can reach.
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { LocalStartError } from './errors';

const ANY = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

export interface PublicUrlInput {
  readonly host: string;
  readonly port: number;
  /** --public-url / PUBLIC_URL: wins when given (a tunnel, a DNS name, a chosen interface). */
  readonly publicUrl?: string;
  /** For tests; default os.networkInterfaces(). */
  readonly interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** `http(s)://host[:port]` without a trailing slash. */
export function publicBaseUrl(input: PublicUrlInput): string {
  if (input.publicUrl) {
    let u: URL;
    try {
      u = new URL(input.publicUrl);
    } catch {
      throw new LocalStartError(`--public-url "${input.publicUrl}" is not a URL.`, 'Write it as http://192.168.1.20:3000 (scheme, host and port).');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new LocalStartError(`--public-url must start with http:// or https://, got "${input.publicUrl}".`, 'The OCPP endpoint is derived from it (ws:// or wss://).');
    }
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  }
  if (LOOPBACK.has(input.host)) return `http://localhost:${input.port}`;
  if (ANY.has(input.host)) {
    const lan = lanAddress(input.interfaces ?? networkInterfaces());
    return `http://${lan ?? 'localhost'}:${input.port}`;
  }
  return `http://${input.host.includes(':') && !input.host.startsWith('[') ? `[${input.host}]` : input.host}:${input.port}`;
}

/** The first non-internal IPv4 address (what a phone on the same Wi-Fi can reach), if any. */
export function lanAddress(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string | undefined {
  for (const infos of Object.values(interfaces)) {
    for (const i of infos ?? []) if (i.family === 'IPv4' && !i.internal) return i.address;
  }
  return undefined;
}

/** ws(s)://…/ocpp for a public base URL. */
export function ocppEndpointOf(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/ocpp`;
}
