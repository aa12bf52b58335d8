// Do WebSocket pings keep a deployment's OCPP connections open? The one fact that decides whether
// the heartbeat may be longer than API Gateway's 10-minute idle timeout (lib/ocpp/heartbeat.ts):
//
//   npm run idle-check -- --ocpp <wss url> --identity <id> [--password <pw>] [--protocol ocpp1.6] [--ping-seconds 60] [--minutes 12]
//
// The password may come from OCPP_PASSWORD instead, so it is not echoed with the command line.
//
// Connects as a registered charge point (any: a demo one, or one registered for the test), then
// sends no OCPP message at all, only a WebSocket ping every --ping-seconds, for --minutes. If the
// connection is still open after longer than the idle timeout, pings count as activity on that
// deployment; if it is closed, they do not. Whether API Gateway bills pings is a separate question:
// compare the API's MessageCount metric (CloudWatch, AWS/ApiGateway, by ApiId) for the run's minutes
// with the pings sent. docs/deploy.md says what to do with each answer. `npm test` runs it against
// the local gateway, which closes ping-only connections as API Gateway is reported to
// (test/integration/websocket-limits.test.ts).
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';

export interface IdleCheckOptions {
  /** The OCPP WebSocket URL without the identity (wss://…/ocpp). */
  readonly ocpp: string;
  readonly identity: string;
  readonly password: string;
  /** @default 'ocpp1.6' */
  readonly protocol?: 'ocpp1.6' | 'ocpp2.0.1';
  /** Milliseconds between pings; 0 sends none (to see the idle close itself). */
  readonly pingMs: number;
  /** How long to keep the connection without a message. */
  readonly durationMs: number;
  /** Told of each ping, pong and the close, as they happen. */
  readonly onEvent?: (line: string) => void;
}

export interface IdleCheckResult {
  /** The connection was closed before durationMs. */
  readonly closed: boolean;
  /** Milliseconds from open to close. */
  readonly closedAfterMs?: number;
  readonly code?: number;
  readonly reason?: string;
  readonly pings: number;
  readonly pongs: number;
}

export async function idleCheck(o: IdleCheckOptions): Promise<IdleCheckResult> {
  const url = `${o.ocpp.replace(/\/+$/, '')}/${encodeURIComponent(o.identity)}`;
  const ws = new WebSocket(url, [o.protocol ?? 'ocpp1.6'], { headers: { Authorization: `Basic ${Buffer.from(`${o.identity}:${o.password}`).toString('base64')}` } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`the upgrade was refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const openedAt = Date.now();
  const say = (line: string) => o.onEvent?.(`[+${((Date.now() - openedAt) / 1000).toFixed(1)} s] ${line}`);
  say(`connected to ${url} as ${o.identity} (${ws.protocol}); sending no message, ${o.pingMs > 0 ? `a ping every ${o.pingMs / 1000} s` : 'no pings'}`);
  let pings = 0;
  let pongs = 0;
  ws.on('pong', () => {
    pongs += 1;
    say(`pong ${pongs}`);
  });
  // A frame from the platform would count as activity and spoil the answer; none is expected.
  ws.on('message', (data) => say(`unexpected message from the platform: ${String(data).slice(0, 200)}`));
  const timer = o.pingMs > 0 ? setInterval(() => {
    if (ws.readyState !== ws.OPEN) return;
    pings += 1;
    ws.ping();
    say(`ping ${pings}`);
  }, o.pingMs) : undefined;
  const closed = await new Promise<{ code: number; reason: string } | undefined>((resolve) => {
    const done = setTimeout(() => resolve(undefined), o.durationMs);
    ws.once('close', (code, reason) => {
      clearTimeout(done);
      resolve({ code, reason: reason.toString() });
    });
  });
  clearInterval(timer);
  const closedAfterMs = Date.now() - openedAt;
  if (closed) say(`closed by the platform: ${closed.code} ${closed.reason}`);
  else ws.close(1000);
  return closed ? { closed: true, closedAfterMs, code: closed.code, reason: closed.reason, pings, pongs } : { closed: false, pings, pongs };
}

const USAGE = `Usage: npm run idle-check -- --ocpp <wss url> --identity <id> [--password <pw>] [options]
  --password      the charge point's current password (or OCPP_PASSWORD in the environment)
  --protocol      ocpp1.6 (default) or ocpp2.0.1: the charge point's registered version
  --ping-seconds  seconds between WebSocket pings (default 60; 0: none)
  --minutes       how long to hold the connection without a message (default 12: past API Gateway's 10-minute idle timeout)`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: { ocpp: { type: 'string' }, identity: { type: 'string' }, password: { type: 'string' }, protocol: { type: 'string' }, 'ping-seconds': { type: 'string' }, minutes: { type: 'string' } },
    }).values;
  } catch (err) {
    console.error(`✖ ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const pingSeconds = Number(values['ping-seconds'] ?? 60);
  const minutes = Number(values.minutes ?? 12);
  const protocol = values.protocol ?? 'ocpp1.6';
  const password = values.password ?? process.env.OCPP_PASSWORD;
  if (!values.ocpp || !values.identity || !password || !(pingSeconds >= 0) || !(minutes > 0) || (protocol !== 'ocpp1.6' && protocol !== 'ocpp2.0.1')) {
    console.error(USAGE);
    return 2;
  }
  const r = await idleCheck({ ocpp: values.ocpp, identity: values.identity, password, protocol, pingMs: pingSeconds * 1000, durationMs: minutes * 60_000, onEvent: (line) => console.log(line) });
  if (r.closed) {
    console.log(`\nClosed after ${((r.closedAfterMs ?? 0) / 60_000).toFixed(1)} min with ${r.pings} pings sent and ${r.pongs} answered: ${pingSeconds > 0 ? 'pings do not keep this deployment\'s connections open. Keep the heartbeat at 570 s or less (the default, 540 s).' : 'this is the idle timeout without pings.'}`);
  } else {
    console.log(`\nStill open after ${minutes} min with only pings (${r.pings} sent, ${r.pongs} answered)${pingSeconds > 0 ? ': pings keep this deployment\'s connections open. Before raising heartbeatSeconds, check that the API\'s MessageCount metric for these minutes did not count the pings (docs/deploy.md).' : '.'}`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
