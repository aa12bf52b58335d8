// The test system's side of the conformance cases: a strict ocpp-rpc station (answers that break the
// official schemas are refused) and the operator API as the "manual action" the cases ask for.
import type { RPCClient } from 'ocpp-rpc';
import type { LocalRuntime } from '../../local/runtime';
import type { OcppVersion } from '../../lib/ocpp/versions';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { anInstallerOnTheSeedProject, apiClient } from '../integration/support/api';
import { aConnectedClient, aRegisteredChargePoint, BOOT, markCommissioned } from '../integration/support/ocpp';
import { startTestRuntime } from '../integration/support/runtime';

export interface Station {
  readonly client: RPCClient;
  readonly identity: string;
  readonly password: string;
  readonly chargePointId: string;
  /** Every CALL the CSMS sent, in order: what the tool validations check. */
  readonly received: Array<{ method: string; params: Record<string, unknown> }>;
}

/**
 * The test system of one conformance file: a local runtime with an installer on the seed project for
 * the whole file, stations of one OCPP version, and every socket a case opened closed at the end.
 * Call it at the top level of a test file (it registers the file's beforeAll/afterAll).
 */
export function aConformanceRun(protocol: OcppVersion) {
  let rt: LocalRuntime | undefined;
  let installerToken: string | undefined;
  const sockets: RPCClient[] = [];
  beforeAll(async () => {
    rt = await startTestRuntime();
    installerToken = await anInstallerOnTheSeedProject(rt);
  });
  afterAll(async () => {
    for (const c of sockets) await c.close({ force: true }).catch(() => undefined);
    await rt?.stop();
  });
  const ready = () => {
    if (!rt || !installerToken) throw new Error('the conformance runtime is not started (aConformanceRun must be called at the top level)');
    return { rt, installerToken };
  };
  const run = {
    get rt(): LocalRuntime {
      return ready().rt;
    },
    get installerToken(): string {
      return ready().installerToken;
    },
    /** A registered station, connected; commissioned ones boot Accepted, the others Pending. */
    station: async (commissioned: boolean): Promise<Station> => {
      const s = await aStation(ready().rt, protocol, { commissioned });
      sockets.push(s.client);
      return s;
    },
    /** A commissioned station that has sent its BootNotification and was Accepted. */
    bootedAccepted: async (): Promise<Station> => {
      const s = await run.station(true);
      expect(await s.client.call('BootNotification', BOOT[protocol])).toMatchObject({ status: 'Accepted' });
      return s;
    },
    /** The station connecting again (a new socket, as after a reboot), with this password. */
    reconnect: async (s: Station, password: string): Promise<RPCClient> => {
      const client = await aConnectedClient(ready().rt, { identity: s.identity, password, protocol });
      sockets.push(client);
      return client;
    },
  };
  return run;
}

/** A registered station (commissioned: its boot is Accepted; else Pending), connected with security profile 1 Basic auth. */
export async function aStation(rt: LocalRuntime, protocol: OcppVersion, opts: { commissioned: boolean }): Promise<Station> {
  const cp = await aRegisteredChargePoint(rt, { protocol, connectorCount: 1 });
  if (opts.commissioned) await markCommissioned(cp.chargePoint.chargePointId);
  const client = await aConnectedClient(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol });
  const received: Station['received'] = [];
  // Default: record and accept; a case overrides with client.handle(action, …).
  client.handle(async ({ method, params }) => {
    received.push({ method: method!, params: params as Record<string, unknown> });
    return { status: 'Accepted' };
  });
  return { client, identity: cp.identity, password: cp.provisioningPassword, chargePointId: cp.chargePoint.chargePointId, received };
}

/** Records a CALL and answers it with `answer(params)`. */
export function answer(station: Station, action: string, reply: (params: Record<string, unknown>) => Record<string, unknown>): void {
  station.client.handle(action, async ({ params }) => {
    station.received.push({ method: action, params: params as Record<string, unknown> });
    return reply(params as Record<string, unknown>);
  });
}

/** The operator API (the "manual action" of a case). */
export async function operatorApi<T = Record<string, unknown>>(rt: LocalRuntime, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${rt.url}/api/v1/operator${path}`, {
    method,
    headers: { authorization: `Bearer ${rt.seed!.operatorApiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export const command = (rt: LocalRuntime, s: Station, action: string, payload: Record<string, unknown>) =>
  operatorApi<{ outcome: string; response: Record<string, unknown> | null }>(rt, 'POST', `/charge-points/${s.chargePointId}/commands`, { action, payload });

/**
 * Commissions a Pending station the way an installer does (POST …/commissioning): the station sends
 * what TriggerMessage asks for and answers the password change (1.6 ChangeConfiguration
 * AuthorizationKey, 2.0.1 SetVariables SecurityCtrlr.BasicAuthPassword) with `passwordAnswer`.
 * Resolves once the rotation is recorded, with the password the CSMS sent.
 */
export async function commissionThroughTheInstallerApi(rt: LocalRuntime, s: Station, installerToken: string, protocol: OcppVersion, passwordAnswer: string): Promise<{ newPassword: string }> {
  const sent: { password?: string } = {};
  // What a trigger asks for is sent after the TriggerMessage answer, and the CSMS's answer to it is
  // recorded as "<action> answered" (TC_B_31 validates the triggered boot's answer). A triggered
  // 2.0.1 boot says so (BootReasonEnumType Triggered, as TC_B_31 step 5 sends it).
  answer(s, 'TriggerMessage', (p) => {
    const what = p.requestedMessage as string;
    const payload = what === 'Heartbeat' ? {} : protocol === 'ocpp2.0.1' ? { ...BOOT[protocol], reason: 'Triggered' } : BOOT[protocol];
    setImmediate(
      () =>
        void s.client
          .call(what, payload)
          .then((r) => s.received.push({ method: `${what} answered`, params: r as Record<string, unknown> }))
          .catch(() => undefined),
    );
    return { status: 'Accepted' };
  });
  answer(s, 'ChangeConfiguration', (p) => {
    sent.password = p.value as string;
    return { status: passwordAnswer };
  });
  answer(s, 'SetVariables', (p) => {
    const data = p.setVariableData as Array<{ attributeValue: string; component: unknown; variable: unknown }>;
    sent.password = data[0]!.attributeValue;
    return { setVariableResult: data.map((d) => ({ attributeStatus: passwordAnswer, component: d.component, variable: d.variable })) };
  });
  const api = apiClient(rt);
  const path = `/api/v1/installer/charge-points/${s.chargePointId}/commissioning`;
  const started = await api('POST', path, { token: installerToken });
  if (started.status !== 202) throw new Error(`commissioning did not start: ${started.status} ${JSON.stringify(started.body)}`);
  await vi.waitFor(async () => {
    const st = await api<{ password_rotation: unknown }>('GET', path, { token: installerToken });
    if (!st.body.password_rotation) throw new Error('password not rotated yet');
  }, { timeout: 20_000, interval: 200 });
  return { newPassword: sent.password! };
}
