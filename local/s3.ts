// s3rver: an in-process S3 with a folder as its store. Presigned GETs work (signatures are not checked).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
