// Runs the CloudFront Function file in a VM context, as CloudFront's viewer request would.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { REPO_ROOT } from './lambda';

export const OCPP_REWRITE_FILE = resolve(REPO_ROOT, 'lib/edge/ocpp-rewrite.cloudfront.js');

type CfRequest = { uri: string; querystring: Record<string, { value: string }>; method: string; headers: Record<string, { value: string }> };
type CfResponse = { statusCode: number; statusDescription?: string };
type CfHandler = (event: { request: CfRequest }) => CfRequest | CfResponse;

let compiled: CfHandler | undefined;

function cfHandler(): CfHandler {
  if (!compiled) {
    const sandbox: { handler?: CfHandler } = {};
    runInNewContext(`${readFileSync(OCPP_REWRITE_FILE, 'utf8')}\nthis.handler = handler;`, sandbox);
    compiled = sandbox.handler!;
  }
  return compiled;
}

/** Returns the `cp` query value (decoded once, as API Gateway would) or the status to reject with. */
export function rewriteOcppPath(rawUri: string): { identity: string } | { status: number } {
  const uri = rawUri.split('?')[0] ?? '';
  const result = cfHandler()({ request: { uri, querystring: {}, method: 'GET', headers: {} } });
  if ('statusCode' in result) return { status: result.statusCode };
  const value = result.querystring.cp?.value;
  if (value === undefined) return { status: 404 };
  return { identity: decodeURIComponent(value) };
}
