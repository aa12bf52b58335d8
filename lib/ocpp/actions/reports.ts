// The rest of what a 2.0.1 station sends on its own (the list): NotifyReport is stored as the
// station's device model; the others are recorded in the log and answered as the schema and the use
// case prescribe, never NotImplemented. Recording only = one write (the log entry).
import { deviceModelPartPut } from '../../db/device-model';
import type { ActionHandler } from './types';

interface NotifyReport {
  requestId: number;
  generatedAt: string;
  seqNo: number;
  tbc?: boolean;
  reportData?: Record<string, unknown>[];
}

/** B07/B08: the station's device model, part by part; the log entry and the part in one transaction. */
export const notifyReport: ActionHandler = async (ctx, payload: NotifyReport) => ({
  category: 'ocpp_state',
  response: {},
  writes: [
    deviceModelPartPut(ctx.identity, {
      requestId: payload.requestId,
      seqNo: payload.seqNo,
      generatedAt: payload.generatedAt,
      receivedAt: ctx.receivedAt,
      tbc: payload.tbc ?? false,
      reportData: payload.reportData ?? [],
    }),
  ],
});

/**
 * K11/K15 NotifyEVChargingNeeds: the platform makes no charging schedules (no smart charging yet),
 * so it says so: Rejected, "service not available" in the words of the response's status enum.
 */
export const notifyEVChargingNeeds: ActionHandler = async () => ({
  category: 'transaction',
  response: { status: 'Rejected', statusInfo: { reasonCode: 'NotSupported', additionalInfo: 'This CSMS does not compute charging schedules yet' } },
});

/** K17 NotifyEVChargingSchedule: the EV's schedule is recorded; with no limits of our own there is nothing it could break. */
export const notifyEVChargingSchedule: ActionHandler = async () => ({ category: 'transaction', response: { status: 'Accepted' } });

/**
 * A02/A03 SignCertificate: the platform has no certificate authority for stations yet (security
 * profile 3 is not built, docs/conformance.md), so the CSR is recorded and refused.
 */
export const signCertificate: ActionHandler = async (ctx) => ({
  category: 'security',
  // The 1.6 whitepaper's SignCertificate.conf has no statusInfo.
  response:
    ctx.version === 'ocpp1.6'
      ? { status: 'Rejected' }
      : { status: 'Rejected', statusInfo: { reasonCode: 'NotSupported', additionalInfo: 'No certificate authority for charging stations yet' } },
});
