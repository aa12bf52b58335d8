// s3rver: an in-process S3 with a folder as its store. Presigned GETs work (signatures are not checked).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { freePort } from './ports';

export interface LocalS3 {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startLocalS3(opts: { directory?: string; buckets: string[] }): Promise<LocalS3> {
  const temp = opts.directory ? undefined : mkdtempSync(join(tmpdir(), 'cpc-s3-'));
  const directory = opts.directory ?? temp!;
  mkdirSync(directory, { recursive: true });
  const port = await freePort();
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: opts.buckets.map((name) => ({ name })),
  });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      await server.close();
      if (temp) rmSync(temp, { recursive: true, force: true });
    },
  };
}

/**
 * Where S3 is reached through the main port. Certificate links are presigned against the handlers'
 * S3 endpoint, so pointing that endpoint here (at the public address) makes the links outlive a
 * restart (s3rver's own port is picked anew on every start) and reachable from a phone on the LAN
 * (s3rver listens on 127.0.0.1 only).
 */
export const S3_PATH_PREFIX = '/_local/s3';

/** Forwards a request under S3_PATH_PREFIX to s3rver, streaming both ways. */
export function proxyToS3(s3: LocalS3, req: IncomingMessage, res: ServerResponse): void {
  const target = new URL(s3.endpoint);
  const path = (req.url ?? '/').slice(S3_PATH_PREFIX.length) || '/';
  const upstream = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: path.startsWith('/') ? path : `/${path}`,
      // s3rver reads virtual-host bucket names from Host: give it its own address (path style).
      headers: { ...req.headers, host: target.host },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `local S3 unreachable: ${err.message}` }));
  });
  req.pipe(upstream);
}
