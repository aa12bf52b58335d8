// What the local runtime exposes to the network when it runs on a laptop on a shared Wi-Fi
// (issue #12, findings 11 and 12): DynamoDB Local on loopback only, and the runtime's internal AWS
// stand-ins (@connections, PutEvents, SES, S3, the outbox) answering nobody but this machine.
import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { startTestRuntime } from './support/runtime';

/** Local addresses (hex, as the kernel lists them) of the TCP sockets listening on `port`. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [address, p] = (cols[1] ?? '').split(':');
      if (p === hexPort && cols[3] === '0A') found.push(address!);
    }
  }
  return found;
}

const LOOPBACK = ['0100007F', '0000000000000000FFFF00000100007F', '00000000000000000000000001000000'];

describe.runIf(process.platform === 'linux')('DynamoDB Local', () => {
  it('listens on 127.0.0.1 only, never on every interface', () => {
    const port = Number(new URL(inject('dynamodbEndpoint')).port);
    const addresses = listeningAddresses(port);
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((a) => !LOOPBACK.includes(a))).toEqual([]);
  });
});

/** A connection to the runtime's HTTP server from a peer with the given address (no packet leaves this process). */
function requestFrom(rt: LocalRuntime, remoteAddress: string, raw: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    let out = '';
    const socket = new (class extends Duplex {
      readonly remoteAddress = remoteAddress;
      readonly remotePort = 40000;
      override _read() {}
      override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
        out += chunk.toString('utf8');
        const m = /^HTTP\/1\.1 (\d+)/.exec(out);
        if (m && out.includes('\r\n\r\n')) {
          const head = out.slice(0, out.indexOf('\r\n\r\n'));
          const length = /content-length: (\d+)/i.exec(head);
          const body = out.slice(out.indexOf('\r\n\r\n') + 4);
          if (!length || body.length >= Number(length[1])) resolve({ status: Number(m[1]), text: out });
        }
        cb();
      }
      setTimeout() {
        return this;
      }
      setNoDelay() {
        return this;
      }
      setKeepAlive() {
        return this;
      }
    })();
    rt.httpServer.emit('connection', socket);
    socket.push(raw);
  });
}

describe('the runtime internals', () => {
  let rt: LocalRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ seed: false });
  });
  afterAll(async () => rt?.stop());

  const putEvents = (body: string) =>
    `POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSEvents.PutEvents\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  const events = JSON.stringify({ Entries: [{ Source: 'commissioning', DetailType: 'webhook.test', Detail: '{}', EventBusName: 'local' }] });

  it.each([
    ['PutEvents (a validly signed webhook on demand)', putEvents(events)],
    ['@connections (frames pushed to a charger)', 'POST /local/@connections/abc HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]'],
    ['KMS (opening sealed webhook secrets)', 'POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.Decrypt\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'],
    ['SES (mail sent as the platform)', 'POST /v2/email/outbound-emails HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'],
    ['the outbox (verification tokens)', 'GET /_local/outbox HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['an S3 listing', 'GET /_local/s3/certificates HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['an S3 write', 'PUT /_local/s3/certificates/x.pdf HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx'],
  ])('answers 404 to %s from another machine', async (_name, raw) => {
    const res = await requestFrom(rt, '192.0.2.10', raw);
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/application\/problem\+json/);
  });

  it('still serves them to this machine', async () => {
    const res = await requestFrom(rt, '127.0.0.1', 'GET /_local/outbox HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
    const viaIpv6 = await requestFrom(rt, '::ffff:127.0.0.1', putEvents(events));
    expect(viaIpv6.status).toBe(200);
  });

  it('lets another machine open a presigned certificate link (GET of one object)', async () => {
    const res = await requestFrom(
      rt,
      '192.0.2.10',
      `GET /_local/s3/${rt.certificateBucket}/missing.pdf?X-Amz-Credential=a&X-Amz-Signature=b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    // Passed through to S3 (which answers for the object), not refused by the runtime.
    expect(res.text).not.toMatch(/application\/problem\+json/);
  });

  it('serves the HTTP API to other machines as before', async () => {
    const res = await requestFrom(rt, '192.0.2.10', 'GET /api/openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
  });
});
