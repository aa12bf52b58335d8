// OCPP 1.6 equivalents of the block A/B CSMS cases, from the 1.6 specification (§4.2, §5.3, §5.8,
// §5.14) and the 1.6 security whitepaper (profile 1 Basic auth); cases.ts lists them all.
import { describe, expect, it } from 'vitest';
import { basic, BOOT, markCommissioned, upgradeStatus } from '../integration/support/ocpp';
import { aConformanceRun, answer, command, commissionThroughTheInstallerApi } from './support';

const run = aConformanceRun('ocpp1.6');
const station = run.station;
const available = { connectorId: 1, errorCode: 'NoError', status: 'Available' };
const bootedAccepted = run.bootedAccepted;

describe('OCPP 1.6 security (whitepaper profile 1)', () => {
  it('TC16_A_01_CSMS Basic Authentication - valid AuthorizationKey: connects and boots Accepted', async () => {
    const s = await bootedAccepted();
    expect(await s.client.call('StatusNotification', available)).toEqual({});
  });

  it('TC16_A_02_CSMS Basic Authentication - username not the identity: refused', async () => {
    const s = await station(true);
    expect(await upgradeStatus(`${run.rt.ocppUrl}/${s.identity}`, { protocols: ['ocpp1.6'], authorization: basic(`${s.identity}Invalid`, s.password) })).toBe(401);
  });

  it('TC16_A_03_CSMS Basic Authentication - invalid AuthorizationKey: refused', async () => {
    const s = await station(true);
    expect(await upgradeStatus(`${run.rt.ocppUrl}/${s.identity}`, { protocols: ['ocpp1.6'], authorization: basic(s.identity, 'f'.repeat(40)) })).toBe(401);
  });

  // Whitepaper use case A01 (A01.FR.02): the Central System sets a new AuthorizationKey with ChangeConfiguration,
  // here when commissioning completes (lib/domain/commissioning.ts); the charge point reconnects with it.
  it('TC16_A_09_CSMS Update AuthorizationKey with ChangeConfiguration - Accepted: reconnects with the new key and boots Accepted', async () => {
    const s = await station(false);
    expect(await s.client.call('BootNotification', BOOT['ocpp1.6'])).toMatchObject({ status: 'Pending' });
    const { newPassword } = await commissionThroughTheInstallerApi(run.rt, s, run.installerToken, 'ocpp1.6', 'Accepted');
    expect(s.received.find((r) => r.method === 'ChangeConfiguration')?.params).toEqual({ key: 'AuthorizationKey', value: newPassword });
    expect(newPassword).not.toBe(s.password);
    await s.client.close({ force: true });
    const again = await run.reconnect(s, newPassword);
    expect(await again.call('BootNotification', BOOT['ocpp1.6'])).toMatchObject({ status: 'Accepted' });
    expect(await again.call('StatusNotification', available)).toEqual({});
  });
});

describe('OCPP 1.6 provisioning', () => {
  it('TC16_B_01_CSMS Cold boot - Accepted, then Heartbeat and StatusNotification answered', async () => {
    const s = await bootedAccepted();
    expect(await s.client.call('Heartbeat', {})).toHaveProperty('currentTime');
    expect(await s.client.call('StatusNotification', available)).toEqual({});
  });

  it('TC16_B_02_CSMS Cold boot - Pending, configuration read while Pending, then Accepted', async () => {
    const s = await station(false);
    expect(await s.client.call('BootNotification', BOOT['ocpp1.6'])).toMatchObject({ status: 'Pending' });
    answer(s, 'GetConfiguration', () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }));
    expect((await command(run.rt, s, 'GetConfiguration', {})).body.outcome).toBe('accepted');
    await markCommissioned(s.chargePointId);
    expect(await s.client.call('BootNotification', BOOT['ocpp1.6'])).toMatchObject({ status: 'Accepted' });
    expect(await s.client.call('StatusNotification', available)).toEqual({});
  });

  it('TC16_B_30_CSMS Pending - a request not triggered gets SecurityError; a triggered one is answered', async () => {
    const s = await station(false);
    expect(await s.client.call('BootNotification', BOOT['ocpp1.6'])).toMatchObject({ status: 'Pending' });
    await expect(s.client.call('StatusNotification', available)).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
    await expect(s.client.call('Heartbeat', {})).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
    expect((await command(run.rt, s, 'TriggerMessage', { requestedMessage: 'Heartbeat' })).body.outcome).toBe('accepted');
    expect(await s.client.call('Heartbeat', {})).toHaveProperty('currentTime');
    // Triggered Heartbeat only: a StatusNotification is still unasked.
    await expect(s.client.call('StatusNotification', available)).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
  });

  it('TC16_B_32_CSMS Pending - the Central System sends no RemoteStartTransaction/RemoteStopTransaction', async () => {
    const s = await station(false);
    expect(await s.client.call('BootNotification', BOOT['ocpp1.6'])).toMatchObject({ status: 'Pending' });
    const start = await command(run.rt, s, 'RemoteStartTransaction', { idTag: 'CARD-1', connectorId: 1 });
    const stop = await command(run.rt, s, 'RemoteStopTransaction', { transactionId: 1 });
    expect([start.status, stop.status]).toEqual([409, 409]);
    expect(s.received.map((r) => r.method)).not.toContain('RemoteStartTransaction');
    expect(s.received.map((r) => r.method)).not.toContain('RemoteStopTransaction');
  });

  it('TC16_B_06_CSMS GetConfiguration', async () => {
    const s = await bootedAccepted();
    answer(s, 'GetConfiguration', () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }));
    const res = await command(run.rt, s, 'GetConfiguration', { key: ['HeartbeatInterval'] });
    expect(s.received.at(-1)).toEqual({ method: 'GetConfiguration', params: { key: ['HeartbeatInterval'] } });
    expect(res.body).toMatchObject({ outcome: 'accepted', response: { configurationKey: [{ key: 'HeartbeatInterval', value: '300' }] } });
  });

  it('TC16_B_09_CSMS ChangeConfiguration (Accepted and Rejected)', async () => {
    const s = await bootedAccepted();
    expect((await command(run.rt, s, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '300' })).body.outcome).toBe('accepted');
    answer(s, 'ChangeConfiguration', () => ({ status: 'Rejected' }));
    expect((await command(run.rt, s, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '300' })).body.outcome).toBe('rejected');
  });

  it('TC16_B_20_CSMS Reset', async () => {
    const s = await bootedAccepted();
    expect((await command(run.rt, s, 'Reset', { type: 'Soft' })).body.outcome).toBe('accepted');
    expect(s.received.at(-1)).toEqual({ method: 'Reset', params: { type: 'Soft' } });
    expect(await s.client.call('BootNotification', BOOT['ocpp1.6'])).toMatchObject({ status: 'Accepted' });
  });
});
