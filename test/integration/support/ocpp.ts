// Charge points for integration tests: registered through the real use case, played by strict
// ocpp-rpc clients (they reject any answer that breaks the official schemas).
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RPCClient } from 'ocpp-rpc';
import WebSocket from 'ws';
import type { LocalRuntime } from '../../../local/runtime';
import { registerChargePoint, type RegisteredChargePoint } from '../../../lib/domain/charge-points';
import type { OcppVersion } from '../../../lib/ocpp/versions';
import { documentClient } from '../../../lib/aws/clients';
import { config } from '../../../lib/config';
import { keys } from '../../../lib/db/keys';

let serial = 0;
export function aSerial(prefix = 'CP'): string {
  serial += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${serial}`.toUpperCase().slice(0, 48);
}

/** Registered on the seed project unless `projectId` names another. */
export async function aRegisteredChargePoint(rt: LocalRuntime, opts: { protocol: OcppVersion; serial?: string; connectorCount?: number; projectId?: string }): Promise<RegisteredChargePoint> {
  return registerChargePoint({
    projectId: opts.projectId ?? rt.seed!.projectId,
    serialNumber: opts.serial ?? aSerial(),
    protocol: opts.protocol,
    connectorCount: opts.connectorCount ?? 2,
  });
}

export async function aConnectedClient(
  rt: LocalRuntime,
  cp: { identity: string; password: string; protocol: OcppVersion },
  extra: { protocols?: string[] } = {},
): Promise<RPCClient> {
  // ocpp-rpc's typings mark every option required; the library fills in defaults for the rest.
  const options: Partial<ConstructorParameters<typeof RPCClient>[0]> = {
    endpoint: rt.ocppUrl,
    identity: cp.identity,
    password: cp.password,
    protocols: extra.protocols ?? [cp.protocol],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 10_000,
  };
  const client = new RPCClient(options as ConstructorParameters<typeof RPCClient>[0]);
  await client.connect();
  return client;
}

export const BOOT = {
  'ocpp1.6': { chargePointVendor: 'TestVendor', chargePointModel: 'AC22', chargePointSerialNumber: 'SN-1', firmwareVersion: '1.2.3' },
  'ocpp2.0.1': { reason: 'PowerUp', chargingStation: { vendorName: 'TestVendor', model: 'AC22', serialNumber: 'SN-1', firmwareVersion: '2.0.0' } },
} as const;

/** How a test opens a plain WebSocket: offered subprotocols, Basic credentials, extra headers, and the local address to send from (127.0.0.x: another source IP). */
export interface UpgradeOptions {
  protocols?: string[];
  authorization?: string;
  headers?: Record<string, string>;
  localAddress?: string;
}

/** Opens a plain WebSocket and resolves with the HTTP status of a refused upgrade, or 101. */
export async function upgradeStatus(url: string, opts: UpgradeOptions = {}): Promise<number> {
  return (await upgradeResponse(url, opts)).status;
}

/** Opens a plain WebSocket and resolves with the status, headers and body of the upgrade's answer (101 when it opened). */
export function upgradeResponse(url: string, opts: UpgradeOptions = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts.protocols ?? [], {
      headers: { ...(opts.headers ?? {}), ...(opts.authorization ? { Authorization: opts.authorization } : {}) },
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    });
    ws.once('upgrade', (res) => {
      ws.once('open', () => {
        ws.close();
        resolve({ status: 101, headers: res.headers, body: '' });
      });
    });
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        _req.destroy();
      });
    });
    ws.once('error', (err) => (/Unexpected server response: (\d+)/.test(err.message) ? resolve({ status: Number(RegExp.$1), headers: {}, body: '' }) : reject(err)));
  });
}

export function basic(user: string, password: string | Buffer): string {
  return `Basic ${Buffer.concat([Buffer.from(`${user}:`), Buffer.isBuffer(password) ? password : Buffer.from(password)]).toString('base64')}`;
}

/** A raw socket speaking frames as text, for malformed-frame tests. */
export async function aRawSocket(rt: LocalRuntime, cp: { identity: string; password: string; protocol: OcppVersion }) {
  const ws = new WebSocket(`${rt.ocppUrl}/${cp.identity}`, [cp.protocol], { headers: { Authorization: basic(cp.identity, cp.password) } });
  const inbox: string[] = [];
  const waiters: Array<(s: string) => void> = [];
  ws.on('message', (d) => {
    const text = d.toString();
    const w = waiters.shift();
    if (w) w(text);
    else inbox.push(text);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    send: (text: string) => ws.send(text),
    next: (timeoutMs = 3000) =>
      new Promise<string | undefined>((resolve) => {
        const ready = inbox.shift();
        if (ready !== undefined) return resolve(ready);
        const t = setTimeout(() => {
          const i = waiters.indexOf(done);
          if (i >= 0) waiters.splice(i, 1);
          resolve(undefined);
        }, timeoutMs);
        const done = (s: string) => {
          clearTimeout(t);
          resolve(s);
        };
        waiters.push(done);
      }),
    /** Messages received and not read yet. */
    pending: () => inbox.length,
    close: () => ws.close(),
  };
}

/** A well-behaved charger: answers commands and sends what TriggerMessage asks for. */
export function behaveLikeACharger(client: RPCClient, version: 'ocpp1.6' | 'ocpp2.0.1', state: { password?: string }) {
  client.handle('TriggerMessage', async ({ params }) => {
    const what = (params as { requestedMessage: string }).requestedMessage;
    // Not awaited (the answer to TriggerMessage goes first); a socket closed meanwhile just drops them.
    setImmediate(() => {
      if (what === 'Heartbeat') client.call('Heartbeat', {}).catch(() => undefined);
      if (what === 'BootNotification') client.call('BootNotification', BOOT[version]).catch(() => undefined);
    });
    return { status: 'Accepted' };
  });
  client.handle('ChangeConfiguration', async ({ params }) => {
    state.password = (params as { value: string }).value;
    return { status: 'Accepted' };
  });
  client.handle('SetVariables', async ({ params }) => {
    const data = (params as { setVariableData: Array<{ attributeValue: string; component: { name: string }; variable: { name: string } }> }).setVariableData;
    state.password = data[0]!.attributeValue;
    return { setVariableResult: data.map((d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })) };
  });
}

/**
 * Test-data builder: a charge point whose commissioning is completed, so its next BootNotification is
 * Accepted (the Pending gate, DESIGN.md §3) and it may send on its own (OCPP 1.6 §4.2, 2.0.1 B02).
 */
export async function markCommissioned(chargePointId: string): Promise<void> {
  const at = new Date().toISOString();
  await documentClient().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.chargePoint(chargePointId),
      UpdateExpression: 'SET commissioning = :c',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':c': { status: 'completed', startedAt: at, startedBy: 'test', completedAt: at, checks: [] } },
    }),
  );
}

/** A registered charge point whose commissioning is completed (see markCommissioned). */
export async function aCommissionedChargePoint(rt: LocalRuntime, opts: { protocol: OcppVersion; serial?: string; connectorCount?: number }): Promise<RegisteredChargePoint> {
  const cp = await aRegisteredChargePoint(rt, opts);
  await markCommissioned(cp.chargePoint.chargePointId);
  return cp;
}
