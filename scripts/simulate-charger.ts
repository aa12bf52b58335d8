// A well-behaved OCPP charge point for trying the platform without hardware:
//   npm run simulate -- --url ws://localhost:3000/ocpp --identity DEMO-CP-16 --password <pw> [--protocol ocpp1.6|ocpp2.0.1]
// It boots, reports its connectors, heartbeats, answers TriggerMessage, Reset, GetConfiguration /
// GetVariables, and accepts a new password (ChangeConfiguration AuthorizationKey / SetVariables
// BasicAuthPassword), reconnecting with it, as real firmware would. Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { RPCClient } from 'ocpp-rpc';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'ws://localhost:3000/ocpp' },
    identity: { type: 'string' },
    password: { type: 'string' },
    protocol: { type: 'string', default: 'ocpp1.6' },
    connectors: { type: 'string', default: '2' },
    firmware: { type: 'string', default: '1.0.0-sim' },
  },
});
if (!values.identity || !values.password) {
  console.error('Usage: npm run simulate -- --identity <identity> --password <password> [--url ws://localhost:3000/ocpp] [--protocol ocpp1.6|ocpp2.0.1]');
  process.exit(2);
}
const protocol = values.protocol === 'ocpp2.0.1' ? 'ocpp2.0.1' : 'ocpp1.6';
const connectors = Math.max(1, Number(values.connectors) || 1);
let password = values.password;
let client: RPCClient | undefined;
let heartbeat: NodeJS.Timeout | undefined;
const say = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

const boot = () =>
  protocol === 'ocpp1.6'
    ? { chargePointVendor: 'Simulator', chargePointModel: 'SIM-AC22', chargePointSerialNumber: values.identity!.slice(0, 25), firmwareVersion: values.firmware }
    : { reason: 'PowerUp', chargingStation: { vendorName: 'Simulator', model: 'SIM-AC22', serialNumber: values.identity, firmwareVersion: values.firmware } };
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
    endpoint: values.url,
    identity: values.identity,
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
      password = p.value;
      say('ChangeConfiguration(AuthorizationKey) → Accepted; the new password is used from the next connection');
    }
    return { status: 'Accepted' };
  });
  c.handle('SetVariables', async ({ params }) => {
    const data = (params as { setVariableData: Array<{ attributeValue: string; component: { name: string }; variable: { name: string } }> }).setVariableData;
    for (const d of data) if (d.variable.name === 'BasicAuthPassword') password = d.attributeValue;
    say(`SetVariables(${data.map((d) => `${d.component.name}.${d.variable.name}`).join(', ')}) → Accepted`);
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
    setTimeout(() => void c.close({ code: 1000 }).then(connect), 500);
    return { status: 'Accepted' };
  });
  c.handle(async ({ method }) => {
    say(`${method} → Accepted`);
    return { status: 'Accepted' };
  });
  await c.connect();
  say(`connected to ${values.url}/${values.identity} over ${c.protocol}`);
  await sendBoot(c);
}

process.on('SIGINT', () => {
  if (heartbeat) clearInterval(heartbeat);
  void client?.close({ force: true }).finally(() => process.exit(0));
});

connect().catch((err: Error) => {
  console.error(`Could not connect: ${err.message}`);
  process.exit(1);
});
