// OCPP 2.0.1 Part 6 CSMS test cases of blocks A and B, one test per case id (cases.ts lists them all).
import { describe, expect, it, vi } from 'vitest';
import { markCommissioned, basic, BOOT, upgradeStatus } from '../integration/support/ocpp';
import { aConformanceRun, answer, command, commissionThroughTheInstallerApi, operatorApi, type Station } from './support';

const run = aConformanceRun('ocpp2.0.1');
const station = run.station;
const now = () => new Date().toISOString();
const statusAvailable = () => ({ timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
const availabilityEvent = () => ({
  generatedAt: now(),
  seqNo: 0,
  eventData: [{ eventId: 1, timestamp: now(), trigger: 'Delta', actualValue: 'Available', eventNotificationType: 'HardWiredNotification', component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'AvailabilityState' } }],
});
const bootedAccepted = run.bootedAccepted;

describe('OCPP 2.0.1 block A: security', () => {
  it('TC_A_01_CSMS Basic Authentication - valid username/password: upgrades, boot Accepted, connector state answered', async () => {
    const s = await bootedAccepted();
    expect(await s.client.call('StatusNotification', statusAvailable())).toEqual({});
    expect(await s.client.call('NotifyEvent', availabilityEvent())).toEqual({});
  });

  it('TC_A_02_CSMS Basic Authentication - username not the ChargingStationId: upgrade refused', async () => {
    const s = await station(true);
    expect(await upgradeStatus(`${run.rt.ocppUrl}/${s.identity}`, { protocols: ['ocpp2.0.1'], authorization: basic(`${s.identity}Invalid`, s.password) })).toBe(401);
  });

  it('TC_A_03_CSMS Basic Authentication - invalid password: upgrade refused', async () => {
    const s = await station(true);
    expect(await upgradeStatus(`${run.rt.ocppUrl}/${s.identity}`, { protocols: ['ocpp2.0.1'], authorization: basic(s.identity, 'Rnd0mIdentifierString-x9Q2') })).toBe(401);
  });

  // A01: the CSMS sends the new password when commissioning completes (lib/domain/commissioning.ts);
  // the station then reconnects (step 3) with the new password (A_09) or the old one (A_10).
  for (const [id, said, reconnectWith] of [
    ['TC_A_09_CSMS', 'Accepted', 'new'],
    ['TC_A_10_CSMS', 'Rejected', 'old'],
  ] as const) {
    it(`${id} Update BasicAuthPassword - ${said}: the station reconnects with the ${reconnectWith} password and boots Accepted`, async () => {
      const s = await station(false);
      expect(await s.client.call('BootNotification', BOOT['ocpp2.0.1'])).toMatchObject({ status: 'Pending' });
      const { newPassword } = await commissionThroughTheInstallerApi(run.rt, s, run.installerToken, 'ocpp2.0.1', said);
      // Step 1: SetVariablesRequest of SecurityCtrlr.BasicAuthPassword.
      const set = s.received.find((r) => r.method === 'SetVariables')!.params.setVariableData as Array<Record<string, unknown>>;
      expect(set).toEqual([{ attributeValue: newPassword, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }]);
      expect(newPassword).not.toBe(s.password);
      await s.client.close({ force: true });
      // Steps 3-4: the upgrade with the password the station now uses; the other one is refused (A_10: the new one was never stored).
      const password = reconnectWith === 'new' ? newPassword : s.password;
      if (reconnectWith === 'old') expect(await upgradeStatus(`${run.rt.ocppUrl}/${s.identity}`, { protocols: ['ocpp2.0.1'], authorization: basic(s.identity, newPassword) })).toBe(401);
      const again = await run.reconnect(s, password);
      // Steps 5-8.
      expect(await again.call('BootNotification', BOOT['ocpp2.0.1'])).toMatchObject({ status: 'Accepted' });
      expect(await again.call('StatusNotification', statusAvailable())).toEqual({});
      expect(await again.call('NotifyEvent', availabilityEvent())).toEqual({});
      // A01: once the new password was used, the old one no longer opens the door (the grace path ends; docs/conformance.md).
      if (reconnectWith === 'new') expect(await upgradeStatus(`${run.rt.ocppUrl}/${s.identity}`, { protocols: ['ocpp2.0.1'], authorization: basic(s.identity, s.password) })).toBe(401);
    });
  }
});

describe('OCPP 2.0.1 block B: provisioning', () => {
  it('TC_B_01_CSMS Cold Boot - Accepted', async () => {
    const s = await bootedAccepted();
    expect(await s.client.call('StatusNotification', statusAvailable())).toEqual({});
    expect(await s.client.call('NotifyEvent', availabilityEvent())).toEqual({});
  });

  it('TC_B_02_CSMS Cold Boot - Pending: retrieves information while Pending, then Accepted', async () => {
    const s = await station(false);
    expect(await s.client.call('BootNotification', BOOT['ocpp2.0.1'])).toMatchObject({ status: 'Pending' });
    // During the interval the CSMS may retrieve information (B07): what the station sends because it was asked is answered.
    answer(s, 'GetBaseReport', () => {
      setImmediate(() => void s.client.call('NotifyReport', { requestId: 7, generatedAt: now(), seqNo: 0, tbc: false, reportData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, variableAttribute: [{ value: '300' }] }] }).then((r) => s.received.push({ method: 'NotifyReport answered', params: r as Record<string, unknown> })));
      return { status: 'Accepted' };
    });
    expect((await command(run.rt, s, 'GetBaseReport', { requestId: 7, reportBase: 'ConfigurationInventory' })).body.outcome).toBe('accepted');
    await vi.waitFor(() => expect(s.received.map((r) => r.method)).toContain('NotifyReport answered'));
    answer(s, 'TriggerMessage', () => {
      setImmediate(() => void s.client.call('StatusNotification', statusAvailable()).then(() => s.received.push({ method: 'StatusNotification answered', params: {} })));
      return { status: 'Accepted' };
    });
    expect((await command(run.rt, s, 'TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } })).body.outcome).toBe('accepted');
    await vi.waitFor(() => expect(s.received.map((r) => r.method)).toContain('StatusNotification answered'));
    // The CSMS is now ready to accept the station (commissioning completed).
    await markCommissioned(s.chargePointId);
    expect(await s.client.call('BootNotification', BOOT['ocpp2.0.1'])).toMatchObject({ status: 'Accepted' });
    expect(await s.client.call('StatusNotification', statusAvailable())).toEqual({});
    expect(await s.client.call('NotifyEvent', availabilityEvent())).toEqual({});
  });

  it('TC_B_30_CSMS Cold Boot - Pending: what the station sends unasked gets SecurityError', async () => {
    const s = await station(false);
    expect(await s.client.call('BootNotification', BOOT['ocpp2.0.1'])).toMatchObject({ status: 'Pending' });
    await expect(s.client.call('StatusNotification', statusAvailable())).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
    await expect(s.client.call('NotifyEvent', availabilityEvent())).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
  });

  // B02 with F06: the CSMS ends the Pending interval itself. The installer starting commissioning is
  // what makes this CSMS send it (lib/domain/commissioning.ts runCommissioning).
  it('TC_B_31_CSMS Cold Boot - Pending: the CSMS triggers a BootNotification, which is Accepted, before anything else it triggers', async () => {
    const s = await station(false);
    // Steps 1-2.
    expect(await s.client.call('BootNotification', BOOT['ocpp2.0.1'])).toMatchObject({ status: 'Pending' });
    await commissionThroughTheInstallerApi(run.rt, s, run.installerToken, 'ocpp2.0.1', 'Accepted');
    // Step 3: the TriggerMessageRequest asks for BootNotification (the first trigger after the Pending boot).
    const triggers = s.received.filter((r) => r.method === 'TriggerMessage').map((r) => r.params.requestedMessage);
    expect(triggers[0]).toBe('BootNotification');
    // Step 6: the boot it triggered (reason Triggered, step 5) is Accepted.
    expect(s.received.find((r) => r.method === 'BootNotification answered')?.params).toMatchObject({ status: 'Accepted' });
    // Steps 7-8: the station now sends on its own and is answered.
    expect(await s.client.call('StatusNotification', statusAvailable())).toEqual({});
    expect(await s.client.call('NotifyEvent', availabilityEvent())).toEqual({});
  });

  it('TC_B_06_CSMS Get Variables - single value', async () => {
    const s = await bootedAccepted();
    answer(s, 'GetVariables', (p) => ({ getVariableResult: (p.getVariableData as Array<Record<string, unknown>>).map((d) => ({ attributeStatus: 'Accepted', attributeValue: '60', component: d.component, variable: d.variable })) }));
    const res = await command(run.rt, s, 'GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } }] });
    const sent = s.received.at(-1)!.params.getVariableData as Array<{ attributeType?: string; component: { name: string }; variable: { name: string } }>;
    expect(sent).toEqual([{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } }]);
    expect(res.body).toMatchObject({ outcome: 'accepted', response: { getVariableResult: [{ attributeValue: '60' }] } });
  });

  it('TC_B_07_CSMS Get Variables - multiple values', async () => {
    const s = await bootedAccepted();
    answer(s, 'GetVariables', (p) => ({ getVariableResult: (p.getVariableData as Array<Record<string, unknown>>).map((d) => ({ attributeStatus: 'Accepted', attributeValue: 'x', component: d.component, variable: d.variable })) }));
    const data = [
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } },
      { component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' } },
    ];
    const res = await command(run.rt, s, 'GetVariables', { getVariableData: data });
    expect(s.received.at(-1)!.params.getVariableData).toEqual(data);
    expect(res.body.outcome).toBe('accepted');
  });

  it('TC_B_09_CSMS Set Variables - single value (and a rejected attribute is reported rejected)', async () => {
    const s = await bootedAccepted();
    let status = 'Accepted';
    answer(s, 'SetVariables', (p) => ({ setVariableResult: (p.setVariableData as Array<Record<string, unknown>>).map((d) => ({ attributeStatus: status, component: d.component, variable: d.variable })) }));
    const data = [{ attributeValue: '123', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } }];
    expect((await command(run.rt, s, 'SetVariables', { setVariableData: data })).body.outcome).toBe('accepted');
    expect(s.received.at(-1)!.params.setVariableData).toEqual(data);
    status = 'Rejected';
    expect((await command(run.rt, s, 'SetVariables', { setVariableData: data })).body.outcome).toBe('rejected');
  });

  it('TC_B_10_CSMS Set Variables - multiple values', async () => {
    const s = await bootedAccepted();
    answer(s, 'SetVariables', (p) => ({ setVariableResult: (p.setVariableData as Array<Record<string, unknown>>).map((d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })) }));
    const data = [
      { attributeValue: '123', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } },
      { attributeValue: 'false', component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' } },
    ];
    expect((await command(run.rt, s, 'SetVariables', { setVariableData: data })).body.outcome).toBe('accepted');
    expect(s.received.at(-1)!.params.setVariableData).toEqual(data);
  });

  for (const [id, reportBase] of [
    ['TC_B_12_CSMS', 'ConfigurationInventory'],
    ['TC_B_13_CSMS', 'FullInventory'],
  ] as const) {
    it(`${id} Get Base Report - ${reportBase}: every NotifyReport part is kept and shown to the operator`, async () => {
      const s = await bootedAccepted();
      const variable = (name: string, value: string) => ({ component: { name: 'OCPPCommCtrlr' }, variable: { name }, variableAttribute: [{ type: 'Actual', value }] });
      answer(s, 'GetBaseReport', (p) => {
        const requestId = p.requestId as number;
        setImmediate(() => {
          void s.client
            .call('NotifyReport', { requestId, generatedAt: now(), seqNo: 0, tbc: true, reportData: [variable('HeartbeatInterval', '300')] })
            .then(() => s.client.call('NotifyReport', { requestId, generatedAt: now(), seqNo: 1, tbc: false, reportData: [variable('OfflineThreshold', '60')] }));
        });
        return { status: 'Accepted' };
      });
      const res = await command(run.rt, s, 'GetBaseReport', { requestId: 42, reportBase });
      expect(res.body.outcome).toBe('accepted');
      expect(s.received.at(-1)!.params).toEqual({ requestId: 42, reportBase });
      await vi.waitFor(async () => {
        const dm = await operatorApi<{ reports: Array<{ request_id: number; complete: boolean; report_data: unknown[] }> }>(run.rt, 'GET', `/charge-points/${s.chargePointId}/device-model`);
        expect(dm.status).toBe(200);
        expect(dm.body.reports[0]).toMatchObject({ request_id: 42, complete: true, report_data: [variable('HeartbeatInterval', '300'), variable('OfflineThreshold', '60')] });
      });
    });
  }

  it('TC_B_20_CSMS Reset Charging Station - without ongoing transaction - OnIdle', async () => {
    const s = await bootedAccepted();
    expect((await command(run.rt, s, 'Reset', { type: 'OnIdle' })).body.outcome).toBe('accepted');
    expect(s.received.at(-1)).toEqual({ method: 'Reset', params: { type: 'OnIdle' } });
    // The station reboots: the CSMS answers the boot and the connector state.
    expect(await s.client.call('BootNotification', { ...BOOT['ocpp2.0.1'], reason: 'RemoteReset' })).toMatchObject({ status: 'Accepted' });
    expect(await s.client.call('StatusNotification', statusAvailable())).toEqual({});
  });

  it('TC_B_25_CSMS Reset EVSE - without ongoing transaction', async () => {
    const s = await bootedAccepted();
    expect((await command(run.rt, s, 'Reset', { type: 'OnIdle', evseId: 1 })).body.outcome).toBe('accepted');
    expect(s.received.at(-1)).toEqual({ method: 'Reset', params: { type: 'OnIdle', evseId: 1 } });
  });

  // B11/B12 with a transaction running: the "EnergyTransferStarted" reusable state, then the reset the
  // operator asks for (the manual action) and what the station sends afterwards, as each case lists it.
  const energyTransferStarted = async (s: Station) => {
    const transactionId = `tx-${s.identity}`;
    const event = (eventType: string, triggerReason: string, seqNo: number, transactionInfo: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      s.client.call('TransactionEvent', { eventType, timestamp: now(), triggerReason, seqNo, transactionInfo: { transactionId, ...transactionInfo }, evse: { id: 1, connectorId: 1 }, ...extra });
    const idToken = { idToken: 'A1B2C3D4', type: 'ISO14443' };
    expect(await event('Started', 'Authorized', 0, { chargingState: 'EVConnected' }, { idToken })).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(await event('Updated', 'ChargingStateChanged', 1, { chargingState: 'Charging' })).toEqual({});
    return { event, idToken };
  };
  const occupied = () => ({ ...statusAvailable(), connectorStatus: 'Occupied' });
  const occupiedEvent = () => {
    const e = availabilityEvent();
    return { ...e, eventData: [{ ...e.eventData[0]!, actualValue: 'Occupied' }] };
  };

  for (const [id, evseId] of [
    ['TC_B_21_CSMS', undefined],
    ['TC_B_26_CSMS', 1],
  ] as const) {
    it(`${id} Reset ${evseId ? 'EVSE' : 'Charging Station'} - with ongoing transaction - OnIdle: Scheduled, the transaction ends, then the boot is Accepted`, async () => {
      const s = await bootedAccepted();
      const { event, idToken } = await energyTransferStarted(s);
      answer(s, 'Reset', () => ({ status: 'Scheduled' }));
      const reset = { type: 'OnIdle', ...(evseId ? { evseId } : {}) };
      // Steps 1-2: the ResetRequest the tool validates; Scheduled is a success (B11.FR.02/B12.FR.02).
      expect((await command(run.rt, s, 'Reset', reset)).body).toMatchObject({ outcome: 'accepted', response: { status: 'Scheduled' } });
      expect(s.received.at(-1)).toEqual({ method: 'Reset', params: reset });
      // Steps 3-6: the driver stops, the EV leaves.
      expect(await event('Updated', 'StopAuthorized', 2, { chargingState: 'EVConnected' }, { idToken })).toEqual({ idTokenInfo: { status: 'Accepted' } });
      expect(await event('Ended', 'EVCommunicationLost', 3, { chargingState: 'Idle', stoppedReason: 'EVDisconnected' })).toEqual({});
      if (evseId) return; // An EVSE reset ends here (TC_B_26 has no boot).
      // Steps 7-10.
      expect(await s.client.call('BootNotification', { ...BOOT['ocpp2.0.1'], reason: 'ScheduledReset' })).toMatchObject({ status: 'Accepted' });
      expect(await s.client.call('StatusNotification', statusAvailable())).toEqual({});
      expect(await s.client.call('NotifyEvent', availabilityEvent())).toEqual({});
    });
  }

  for (const [id, evseId] of [
    ['TC_B_22_CSMS', undefined],
    ['TC_B_27_CSMS', 1],
  ] as const) {
    it(`${id} Reset ${evseId ? 'EVSE' : 'Charging Station'} - with ongoing transaction - Immediate: the transaction ends by ResetCommand, then the boot is Accepted`, async () => {
      const s = await bootedAccepted();
      const { event } = await energyTransferStarted(s);
      const reset = { type: 'Immediate', ...(evseId ? { evseId } : {}) };
      expect((await command(run.rt, s, 'Reset', reset)).body.outcome).toBe('accepted');
      expect(s.received.at(-1)).toEqual({ method: 'Reset', params: reset });
      // Step 3: ended by the reset, without idToken.
      expect(await event('Ended', 'ResetCommand', 2, { chargingState: 'EVConnected', stoppedReason: 'ImmediateReset' })).toEqual({});
      if (evseId) return; // An EVSE reset ends here (TC_B_27 has no boot).
      expect(await s.client.call('BootNotification', { ...BOOT['ocpp2.0.1'], reason: 'RemoteReset' })).toMatchObject({ status: 'Accepted' });
      // The cable is still plugged in: the connector is Occupied.
      expect(await s.client.call('StatusNotification', occupied())).toEqual({});
      expect(await s.client.call('NotifyEvent', occupiedEvent())).toEqual({});
    });
  }

  const profile = { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://csms.example.com/ocpp', messageTimeout: 30, securityProfile: 2, ocppInterface: 'Wired0' };
  it('TC_B_42_CSMS Set new NetworkConnectionProfile - Accepted', async () => {
    const s = await bootedAccepted();
    const res = await command(run.rt, s, 'SetNetworkProfile', { configurationSlot: 1, connectionData: profile });
    expect(s.received.at(-1)).toEqual({ method: 'SetNetworkProfile', params: { configurationSlot: 1, connectionData: profile } });
    expect(res.body.outcome).toBe('accepted');
  });

  // TC_A_19 (A05) is not applicable as a whole (cases.ts says why); these are its steps 1-6, the
  // commands the CSMS sends on the operator's manual actions, with the case's tool validations.
  it('A05 security profile upgrade, steps 1-6: SetNetworkProfile one profile higher, NetworkConfigurationPriority with its slot, Reset', async () => {
    const s = await bootedAccepted();
    answer(s, 'SetVariables', (p) => ({ setVariableResult: (p.setVariableData as Array<Record<string, unknown>>).map((d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })) }));
    // Configured security profile: 1 (Basic auth without TLS, as this runtime serves it).
    const upgraded = { ...profile, securityProfile: 2 };
    expect((await command(run.rt, s, 'SetNetworkProfile', { configurationSlot: 2, connectionData: upgraded })).body.outcome).toBe('accepted');
    const priority = [{ attributeValue: '2,1', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' } }];
    expect((await command(run.rt, s, 'SetVariables', { setVariableData: priority })).body.outcome).toBe('accepted');
    expect((await command(run.rt, s, 'Reset', { type: 'OnIdle' })).body.outcome).toBe('accepted');
    expect(s.received.map((r) => r.method)).toEqual(['SetNetworkProfile', 'SetVariables', 'Reset']);
    // Step 1: connectionData with the configured values and securityProfile + 1.
    expect(s.received[0]!.params).toEqual({ configurationSlot: 2, connectionData: { ...profile, ocppVersion: 'OCPP20', ocppTransport: 'JSON', securityProfile: 2 } });
    // Step 3: OCPPCommCtrlr.NetworkConfigurationPriority containing the slot of step 1.
    const [set] = s.received[1]!.params.setVariableData as Array<{ attributeValue: string; component: { name: string }; variable: { name: string } }>;
    expect([set!.component.name, set!.variable.name, set!.attributeValue.split(',')]).toEqual(['OCPPCommCtrlr', 'NetworkConfigurationPriority', expect.arrayContaining(['2'])]);
  });

  it('TC_B_44_CSMS Set new NetworkConnectionProfile - Failed', async () => {
    const s = await bootedAccepted();
    answer(s, 'SetNetworkProfile', () => ({ status: 'Failed' }));
    const res = await command(run.rt, s, 'SetNetworkProfile', { configurationSlot: 2, connectionData: profile });
    expect(res.body).toMatchObject({ outcome: 'rejected', response: { status: 'Failed' } });
  });
});
