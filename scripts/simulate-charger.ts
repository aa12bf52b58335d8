// A well-behaved OCPP charge point for trying the platform without hardware:
//   npm run simulate -- --identity DEMO-CP-16        (URL, password and protocol from the demo data)
//   npm run simulate -- --url ws://localhost:3000/ocpp --identity X --password <pw> [--protocol 1.6|2.0.1]
// It boots, reports its connectors, heartbeats, answers TriggerMessage, Reset, GetConfiguration /
// GetVariables, and accepts a new password (ChangeConfiguration AuthorizationKey / SetVariables
// BasicAuthPassword), reconnecting with it, as real firmware would, and saving it to the demo data
// so the next run (and the npm start banner) uses it. It reconnects when the server comes back.
// Ctrl-C stops it.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RPCClient } from 'ocpp-rpc';
import { findDemoChargePoint, normalizeProtocol, recordRotatedPassword, refusalReason } from '../local/demo-credentials';
import { REPO_ROOT } from '../local/lambda';

const USAGE = `Usage: npm run simulate -- --identity <identity> [--password <password>] [--url ws://localhost:3000/ocpp] [--protocol 1.6|2.0.1] [--data-dir .data]
  For the demo charge points of npm start, --identity is enough: the rest comes from <data-dir>/local-credentials.json.`;

function parseCli() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string' },
        identity: { type: 'string' },
        password: { type: 'string' },
        protocol: { type: 'string' },
        connectors: { type: 'string', default: '2' },
        firmware: { type: 'string', default: '1.0.0-sim' },
        'data-dir': { type: 'string' },
      },
    }).values;
  } catch (err) {
    console.error(`✖ ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}
const values = parseCli();
const credentialsFile = join(values['data-dir'] ?? process.env.DATA_DIR ?? join(REPO_ROOT, '.data'), 'local-credentials.json');
const demo = values.identity ? findDemoChargePoint(credentialsFile, values.identity) : undefined;
const givenIdentity = demo?.identity ?? values.identity;
const initialPassword = values.password ?? demo?.password;
if (!givenIdentity || !initialPassword) {
  console.error(`${values.identity ? `✖ ${values.identity} is not a demo charge point in ${credentialsFile}: give --password.\n\n` : ''}${USAGE}`);
  process.exit(2);
}
const identity: string = givenIdentity;
const requestedProtocol = normalizeProtocol(values.protocol ?? demo?.protocol ?? 'ocpp1.6');
if (!requestedProtocol) {
  console.error(`✖ --protocol must be 1.6 or 2.0.1 (or ocpp1.6 / ocpp2.0.1), got "${values.protocol}".\n\n${USAGE}`);
  process.exit(2);
}
const protocol: 'ocpp1.6' | 'ocpp2.0.1' = requestedProtocol;
// The demo data's URL is …/ocpp/{identity}; the client appends the identity itself.
const url = values.url ?? demo?.url.slice(0, -(identity.length + 1)) ?? 'ws://localhost:3000/ocpp';
const connectors = Math.max(1, Number(values.connectors) || 1);
let password: string = initialPassword;
let stopping = false;
let retryMs = 1000;

/** A rotated password lives only here and in the charger; keep it where the next run finds it. */
function keep(newPassword: string): void {
  password = newPassword;
  if (recordRotatedPassword(credentialsFile, identity, newPassword)) say(`new password saved to ${credentialsFile}`);
  else say(`new password: ${newPassword} (not a demo charge point, so not saved: pass it with --password next time)`);
}
let client: RPCClient | undefined;
let heartbeat: NodeJS.Timeout | undefined;
const say = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

const boot = () =>
  protocol === 'ocpp1.6'
    ? { chargePointVendor: 'Simulator', chargePointModel: 'SIM-AC22', chargePointSerialNumber: identity.slice(0, 25), firmwareVersion: values.firmware }
    : { reason: 'PowerUp', chargingStation: { vendorName: 'Simulator', model: 'SIM-AC22', serialNumber: identity, firmwareVersion: values.firmware } };
const status = (n: number) =>
  protocol === 'ocpp1.6'
    ? { connectorId: n, errorCode: 'NoError', status: 'Available' }
    : { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: n, connectorId: 1 };

async function sendBoot(c: RPCClient): Promise<void> {
  const res = (await c.call('BootNotification', boot())) as { status: string; interval: number };
  say(`BootNotification → ${res.status} (interval ${res.interval} s)`);
  if (heartbeat) clearInterval(heartbeat);
  heartbeat = setInterval(() => void c.call('Heartbeat', {}).then(() => say('Heartbeat')).catch(() => undefined), Math.max(res.interval, 10) * 1000);
  for (let n = 1; n <= connectors; n++) await c.call('StatusNotification', status(n));
  say(`StatusNotification × ${connectors} (Available)`);
}

async function connect(): Promise<void> {
  const options: Partial<ConstructorParameters<typeof RPCClient>[0]> = {
    endpoint: url,
    identity,
    password,
    protocols: [protocol],
    strictMode: true,
    reconnect: false,
  };
  const c = new RPCClient(options as ConstructorParameters<typeof RPCClient>[0]);
  client = c;
  c.handle('TriggerMessage', async ({ params }) => {
    const what = (params as { requestedMessage: string }).requestedMessage;
    say(`TriggerMessage(${what})`);
    setImmediate(() => {
      if (what === 'Heartbeat') void c.call('Heartbeat', {}).then(() => say('Heartbeat (triggered)')).catch(() => undefined);
      else if (what === 'BootNotification') void sendBoot(c).catch(() => undefined);
      else if (what === 'StatusNotification') void c.call('StatusNotification', status(1)).catch(() => undefined);
    });
    return { status: 'Accepted' };
  });
  c.handle('ChangeConfiguration', async ({ params }) => {
    const p = params as { key: string; value: string };
    if (p.key === 'AuthorizationKey') {
      say('ChangeConfiguration(AuthorizationKey) → Accepted; the new password is used from the next connection');
      keep(p.value);
    }
    return { status: 'Accepted' };
  });
  c.handle('SetVariables', async ({ params }) => {
    const data = (params as { setVariableData: Array<{ attributeValue: string; component: { name: string }; variable: { name: string } }> }).setVariableData;
    say(`SetVariables(${data.map((d) => `${d.component.name}.${d.variable.name}`).join(', ')}) → Accepted`);
    for (const d of data) if (d.variable.name === 'BasicAuthPassword') keep(d.attributeValue);
    return { setVariableResult: data.map((d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })) };
  });
  c.handle('GetConfiguration', async () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }));
  c.handle('GetVariables', async ({ params }) => ({
    getVariableResult: (params as { getVariableData: Array<{ component: { name: string }; variable: { name: string } }> }).getVariableData.map((d) => ({
      attributeStatus: 'UnknownVariable',
      component: d.component,
      variable: d.variable,
    })),
  }));
  c.handle('Reset', async () => {
    say('Reset → Accepted; rebooting');
    resetting = true;
    setTimeout(() => void c.close({ code: 1000 }).then(start), 500);
    return { status: 'Accepted' };
  });
  c.handle(async ({ method }) => {
    say(`${method} → Accepted`);
    return { status: 'Accepted' };
  });
  let opened = false;
  c.on('close', () => {
    // A failed connect also ends in 'close'; start() schedules that retry.
    if (!opened || client !== c || stopping || resetting) return;
    if (heartbeat) clearInterval(heartbeat);
    say('connection lost');
    reconnectLater();
  });
  await c.connect();
  opened = true;
  retryMs = 1000;
  say(`connected to ${url}/${identity} over ${c.protocol}`);
  await sendBoot(c);
}

let resetting = false;

/** Connects, and keeps trying while the server is away; a refusal (wrong password…) ends the run. */
function start(): void {
  resetting = false;
  connect().catch((err: Error & { code?: unknown; response?: { headers?: Record<string, unknown> } }) => {
    if (typeof err.code === 'number' && err.code !== 503) {
      const challenge = err.response?.headers?.['www-authenticate'];
      console.error(`✖ The server refused ${identity}: ${refusalReason(err.code, identity)}${challenge ? ` (${String(challenge)})` : ''}`);
      process.exit(1);
    }
    say(`cannot reach ${url} (${err.message})`);
    reconnectLater();
  });
}

function reconnectLater(): void {
  if (stopping) return;
  say(`reconnecting in ${Math.round(retryMs / 1000)} s`);
  setTimeout(start, retryMs);
  retryMs = Math.min(retryMs * 2, 30_000);
}

process.on('SIGINT', () => {
  stopping = true;
  if (heartbeat) clearInterval(heartbeat);
  void (client?.close({ force: true }) ?? Promise.resolve()).finally(() => process.exit(0));
});

start();
