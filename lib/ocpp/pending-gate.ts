// What a charge point whose boot is Pending may send. OCPP 1.6 §4.2: "The Charge Point SHALL NOT
// send request messages to the Central System unless it has been instructed by the Central System to
// do so with a TriggerMessage.req request." OCPP 2.0.1 B02.FR.09 as test case TC_B_30_CSMS states it:
// while Pending, no CALL but BootNotification "or ... a message triggered by one of the following
// messages: TriggerMessageRequest, GetBaseReportRequest, GetReportRequest"; anything else is
// answered CALLERROR SecurityError.
import { callsOutSince } from '../db/logs';
import type { OcppVersion } from './versions';

/**
 * How long after we sent a TriggerMessage / GetBaseReport / GetReport the message it asks for is
 * accepted from a Pending station. A station answers the trigger and then sends the message;
 * report parts follow the GetBaseReport answer within seconds. Two minutes covers slow links.
 */
export const TRIGGER_WINDOW_SECONDS = 120;

/** The CSMS calls that make a Pending station send something, per version. */
const ASKING_ACTIONS: Record<OcppVersion, readonly string[]> = {
  'ocpp1.6': ['TriggerMessage', 'ExtendedTriggerMessage'],
  'ocpp2.0.1': ['TriggerMessage', 'GetBaseReport', 'GetReport'],
};

/** TriggerMessage's requestedMessage → the action the station then sends (2.0.1 MessageTriggerEnumType, 1.6 MessageTrigger). */
function actionOfRequestedMessage(requested: string): string {
  if (/^Sign(ChargingStation|ChargePoint|V2G|Combined)Certificate$/.test(requested)) return 'SignCertificate';
  return requested;
}

/** The actions a call we sent asks the station to send back. */
export function actionsAskedFor(action: string, frameOut: string | undefined): string[] {
  if (action === 'GetBaseReport' || action === 'GetReport') return ['NotifyReport'];
  if (!frameOut) return [];
  try {
    const frame: unknown = JSON.parse(frameOut);
    const requested = Array.isArray(frame) ? (frame[3] as { requestedMessage?: unknown } | undefined)?.requestedMessage : undefined;
    return typeof requested === 'string' ? [actionOfRequestedMessage(requested)] : [];
  } catch {
    return [];
  }
}

/** True when the CSMS asked this Pending station, recently enough, for a message with this action. */
export async function wasAskedFor(version: OcppVersion, identity: string, action: string, receivedAt: string): Promise<boolean> {
  const since = new Date(Date.parse(receivedAt) - TRIGGER_WINDOW_SECONDS * 1000).toISOString();
  const calls = await callsOutSince(identity, since, ASKING_ACTIONS[version]);
  return calls.some((c) => actionsAskedFor(c.action ?? '', c.frameOut).includes(action));
}
