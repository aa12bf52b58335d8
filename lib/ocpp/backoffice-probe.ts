// The adapter that asks an external backoffice's URL for a WebSocket handshake before a charger is
// moved there (issue #17 §3). Tests replace it with setBackofficeProbe(); the real one opens a TLS
// WebSocket with the `ws` package, offering the charger's OCPP subprotocol.
//
// SSRF: the URL comes from a person, and the probe runs inside our network. A host that is, or
// resolves to, a private, loopback, link-local or otherwise non-public address is refused before any
// connection is made, and the connection is pinned to the addresses checked (no second DNS answer
// can point it elsewhere: DNS rebinding).
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import WebSocket from 'ws';

export interface ProbeResult {
  readonly ok: boolean;
  /** What happened, for the person: `answered the handshake (101)`, `refused the address 10.0.0.1 (private)`… */
  readonly detail: string;
  /** The host is, or resolves to, an address we do not connect to (a 400, not a failed probe). */
  readonly refusedAddress?: boolean;
}

export type BackofficeProbe = (url: string, opts: { readonly identity: string; readonly subprotocol: string }) => Promise<ProbeResult>;

const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** A public unicast address (IPv4, IPv6, IPv4-mapped IPv6 judged by its IPv4). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NON_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]!);
  return !NON_PUBLIC.check(address, 'ipv6');
}

const PROBE_TIMEOUT_MS = 5_000;

/** The real probe: resolve, refuse non-public addresses, open the WebSocket pinned to them. */
export const wsProbe: BackofficeProbe = async (url, opts) => {
  const target = new URL(`${url.replace(/\/+$/, '')}/${encodeURIComponent(opts.identity)}`);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  } catch (err) {
    return { ok: false, detail: `the host ${host} does not resolve (${(err as { code?: string }).code ?? 'lookup failed'})` };
  }
  const refused = addresses.find((a) => !isPublicAddress(a.address));
  if (refused || !addresses.length) return { ok: false, refusedAddress: true, detail: `the host ${host} resolves to ${refused?.address ?? 'nothing'}, which is not a public address` };
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: typeof addresses) => void)(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  return new Promise<ProbeResult>((resolve) => {
    const ws = new WebSocket(target, [opts.subprotocol], { lookup: pinned, handshakeTimeout: PROBE_TIMEOUT_MS, followRedirects: false });
    const done = (r: ProbeResult) => {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      resolve(r);
    };
    ws.once('open', () => done({ ok: true, detail: `answered the WebSocket handshake (101, subprotocol ${ws.protocol || 'none'})` }));
    // A backoffice that wants the charger's Basic credentials (security profile 2) refuses us with 401:
    // that is a WebSocket endpoint answering, without the password only the charger will hold.
    ws.once('unexpected-response', (_req, res) =>
      done(res.statusCode === 401 ? { ok: true, detail: 'answered the WebSocket handshake asking for the charger\'s credentials (401)' } : { ok: false, detail: `answered HTTP ${res.statusCode ?? '?'} instead of a WebSocket handshake` }),
    );
    ws.once('error', (err) => done({ ok: false, detail: `no WebSocket handshake: ${err.message}` }));
  });
};

let probe: BackofficeProbe = wsProbe;

/** Tests only: a fake probe (undefined puts the real one back). */
export function setBackofficeProbe(fake: BackofficeProbe | undefined): void {
  probe = fake ?? wsProbe;
}

export function probeBackoffice(url: string, opts: { identity: string; subprotocol: string }): Promise<ProbeResult> {
  return probe(url, opts);
}
