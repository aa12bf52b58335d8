// Runs the CloudFront Function files in a VM context, as CloudFront's viewer request and viewer response would.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { REPO_ROOT } from './lambda';

export const OCPP_REWRITE_FILE = resolve(REPO_ROOT, 'lib/edge/ocpp-rewrite.cloudfront.js');
export const OCPP_CHALLENGE_FILE = resolve(REPO_ROOT, 'lib/edge/ocpp-challenge.cloudfront.js');

type CfRequest = { uri: string; querystring: Record<string, { value: string }>; method: string; headers: Record<string, { value: string }> };
type CfResponse = { statusCode: number; statusDescription?: string };
type CfHandler = (event: { request: CfRequest }) => CfRequest | CfResponse;

const compiled = new Map<string, unknown>();

function load<H>(file: string): H {
  if (!compiled.has(file)) {
    const sandbox: { handler?: H } = {};
    runInNewContext(`${readFileSync(file, 'utf8')}\nthis.handler = handler;`, sandbox);
    compiled.set(file, sandbox.handler!);
  }
  return compiled.get(file) as H;
}
const cfHandler = () => load<CfHandler>(OCPP_REWRITE_FILE);

type CfViewerResponse = { statusCode: number; headers: Record<string, { value: string }> };

/** Headers the viewer-response function adds to an answer from the origin with `status` (e.g. a refused upgrade). */
export function viewerResponseHeaders(status: number): Record<string, string> {
  const response = load<(event: { response: CfViewerResponse }) => CfViewerResponse>(OCPP_CHALLENGE_FILE)({ response: { statusCode: status, headers: {} } });
  return Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, v.value]));
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
