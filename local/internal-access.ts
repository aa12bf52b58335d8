// The runtime serves, on its one port, what AWS would serve from other hosts: the @connections
// Management API, EventBridge PutEvents, SES, KMS and S3, plus the mail outbox. Handlers reach them
// through AWS_ENDPOINT_URL_*. With `--host 0.0.0.0` that port is on the network, and none of these
// check a signature: anyone on the café Wi-Fi could inject a validly signed webhook (PutEvents),
// push frames to a charger (@connections), read verification mails or overwrite a certificate.
// So they answer only requests from this machine (loopback, or one of its own addresses, which is
// where handlers connect from when the public URL is a LAN address). The one exception: a phone on
// the network must be able to open a certificate link, so a presigned GET of one object is allowed.
import { networkInterfaces } from 'node:os';
import { S3_PATH_PREFIX } from './s3';

/** Paths of the runtime's own plumbing (not routes of the HTTP API). */
export function isInternalRequest(method: string, path: string, headers: Record<string, string | string[] | undefined>, stage: string): boolean {
  if (path.startsWith(`/${stage}/@connections/`)) return true;
  if (method === 'POST' && path === '/' && headers['x-amz-target'] === 'AWSEvents.PutEvents') return true;
  if (method === 'POST' && path === '/' && String(headers['x-amz-target'] ?? '').startsWith('TrentService.')) return true;
  if (path.startsWith('/v2/email/')) return true;
  if (path === S3_PATH_PREFIX || path.startsWith(`${S3_PATH_PREFIX}/`)) return true;
  return path === '/_local/outbox' || path.startsWith('/_local/');
}

/** True when the peer is this machine: a loopback address or one of its own interface addresses. */
export function isFromThisMachine(remoteAddress: string | undefined, ownAddresses: ReadonlySet<string> = machineAddresses()): boolean {
  if (!remoteAddress) return false;
  const address = remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
  return address === '::1' || address.startsWith('127.') || ownAddresses.has(address);
}

/** A GET or HEAD of one object (not a listing) carrying a presigned query: what a certificate link is. */
export function isPresignedObjectRead(method: string, url: URL): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (!url.pathname.startsWith(`${S3_PATH_PREFIX}/`)) return false;
  const [bucket, ...key] = url.pathname.slice(S3_PATH_PREFIX.length + 1).split('/');
  return !!bucket && key.join('/') !== '' && url.searchParams.has('X-Amz-Signature') && url.searchParams.has('X-Amz-Credential');
}

/** Whether an internal request from `remoteAddress` may be served. */
export function mayServeInternal(method: string, url: URL, remoteAddress: string | undefined, ownAddresses?: ReadonlySet<string>): boolean {
  return isFromThisMachine(remoteAddress, ownAddresses) || isPresignedObjectRead(method, url);
}

let cached: { at: number; addresses: ReadonlySet<string> } | undefined;

/** This machine's interface addresses (re-read every 30 s: a laptop changes networks). */
function machineAddresses(): ReadonlySet<string> {
  if (!cached || Date.now() - cached.at > 30_000) {
    const addresses = new Set<string>();
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) addresses.add(i.address);
    cached = { at: Date.now(), addresses };
  }
  return cached.addresses;
}
