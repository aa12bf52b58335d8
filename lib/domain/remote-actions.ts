// Remote actions on one charge point (issue #14 item 4; remote actions guide, shared/DOMAIN.md §2):
// start, stop, unlock, reboot. Offered only when they can work; run through callChargePoint, the
// same command path as the operator's raw commands (lib/ocpp/commands.ts), so there is no second
// implementation of sending, waiting, the one-call-at-a-time slot or the Pending rules. The
// operator API and the public job page both call runRemoteAction.
import { randomInt } from 'node:crypto';
import { recordLastRemoteAction, type ChargePoint, type LastRemoteAction } from '../db/charge-points';
import { activeTransactions, latestConnectorStatuses, putLogEntry, type ConnectorStatusEntry } from '../db/logs';
import { log } from '../log';
import { callChargePoint, type CommandRecord } from '../ocpp/commands';
import type { JsonObject } from '../ocpp/codec';
import type { OcppVersion } from '../ocpp/versions';
import { describeActor, type Actor } from './actors';
import type { ChargePointView } from './charge-point-view';
import { Conflict } from './errors';

import { REMOTE_ACTIONS } from '../api/schemas';

export { REMOTE_ACTIONS };
export type RemoteAction = (typeof REMOTE_ACTIONS)[number];
export type ActionOutcome = LastRemoteAction['outcome'];

export interface ActionResultView {
  readonly action: RemoteAction;
  readonly outcome: ActionOutcome;
  /** What happened, in words the installer understands. */
  readonly detail: string;
  readonly at: string;
}

/**
 * The idTag (1.6, CiString20) / idToken (2.0.1, type Central, ≤ 36 chars) a remote start uses. The
 * installer tests the charger before any driver or card exists, so the start names the platform as
 * the authoriser (2.0.1 IdTokenEnumType `Central`: "a centrally, in the CSMS, generated id"). Our
 * StartTransaction / TransactionEvent handlers accept it like any tag; issue #15 brings real
 * authorisation, which must keep accepting this tag for starts the platform itself sent.
 */
export const INSTALLER_TEST_ID_TAG = 'INSTALLER-TEST';

/**
 * At most 20 s for the charger's answer: the HTTP API that waits for it (operator route, public job
 * page) is cut at 30 s by API Gateway (29 s integration timeout), and the rest of the request needs
 * a few reads and writes.
 */
export const REMOTE_ACTION_TIMEOUT_MS = 20_000;

/** Connector statuses from which a start can begin (1.6 §4.9: Preparing = plugged in, not yet started). */
const STARTABLE = new Set(['Available', 'Preparing']);

/** The physical connectors (1.6 connectorId > 0; 2.0.1 evseId > 0), not the whole charge point. */
function physical(version: OcppVersion | null, c: ConnectorStatusEntry): boolean {
  return version === 'ocpp2.0.1' ? (c.evseId ?? 0) > 0 : c.connectorId > 0;
}

function startableConnector(version: OcppVersion | null, connectors: readonly ConnectorStatusEntry[]): ConnectorStatusEntry | undefined {
  const usable = connectors.filter((c) => physical(version, c) && STARTABLE.has(c.status));
  // Preparing first: a car is plugged in there, which is where the installer wants the test charge.
  return usable.find((c) => c.status === 'Preparing') ?? usable[0];
}

/**
 * What can work now, from the view (one read of the charge point's state, shared with the page):
 * - start: connected, boot Accepted (OCPP 1.6 §4.2 / 2.0.1 B02 forbid remote start while Pending),
 *   a connector Available or Preparing, and no session running;
 * - stop: while a session runs (connected, and not Pending for the same reason);
 * - unlock, reboot: whenever the charger is connected.
 * A charge point that shows a validation message (no serial, serial taken) offers nothing.
 */
export function offeredActions(cp: ChargePoint, view: ChargePointView): Record<RemoteAction, boolean> {
  const connected = !!cp.identity && view.integration_state === 'connected' && view.validation_message === null;
  const accepted = connected && view.last_boot?.status === 'Accepted';
  return {
    start: accepted && view.session === null && startableConnector(cp.protocol ?? null, view.connectors) !== undefined,
    stop: accepted && view.session !== null,
    unlock: connected,
    reboot: connected,
  };
}

/** The outcome of the last remote action, kept on the charge point (a reload of the page still shows it). */
export function lastRemoteAction(cp: ChargePoint): ActionResultView | null {
  const a = cp.lastAction;
  return a ? { action: a.action, outcome: a.outcome, detail: a.detail, at: a.at } : null;
}

/** The OCPP CALL for an action, per version. */
async function commandFor(cp: ChargePoint & { identity: string; protocol: OcppVersion }, action: RemoteAction): Promise<{ action: string; payload: JsonObject }> {
  const v16 = cp.protocol === 'ocpp1.6';
  switch (action) {
    case 'start': {
      const connector = startableConnector(cp.protocol, await latestConnectorStatuses(cp.identity));
      // No known free connector: let the charger choose (both versions allow leaving it out:
      // 1.6 RemoteStartTransaction.connectorId and 2.0.1 evseId are optional).
      if (v16) return { action: 'RemoteStartTransaction', payload: { idTag: INSTALLER_TEST_ID_TAG, ...(connector ? { connectorId: connector.connectorId } : {}) } };
      return {
        action: 'RequestStartTransaction',
        payload: {
          idToken: { idToken: INSTALLER_TEST_ID_TAG, type: 'Central' },
          // 2.0.1 F01: the station echoes remoteStartId in its TransactionEvent; any integer will do.
          remoteStartId: randomInt(1, 2 ** 31 - 1),
          ...(connector?.evseId ? { evseId: connector.evseId } : {}),
        },
      };
    }
    case 'stop': {
      const running = (await activeTransactions(cp.identity))[0];
      if (!running) {
        throw new Conflict(`No charging session is running on ${cp.identity}: stop is offered only while one runs`, { field: 'action' });
      }
      // 1.6 transactionId is the integer we assigned (§4.8); 2.0.1's is the station's string.
      return v16
        ? { action: 'RemoteStopTransaction', payload: { transactionId: Number(running.transactionId) } }
        : { action: 'RequestStopTransaction', payload: { transactionId: running.transactionId } };
    }
    case 'unlock':
      // The guide's chargers have one connector per EVSE; connector 1 is the one a cable is stuck in.
      return v16 ? { action: 'UnlockConnector', payload: { connectorId: 1 } } : { action: 'UnlockConnector', payload: { evseId: 1, connectorId: 1 } };
    case 'reboot':
      // 1.6 Soft: a graceful restart that ends transactions first (§5.14). 2.0.1 has no Soft;
      // Immediate ends transactions and restarts (B11), the same thing for a charger being tested.
      return v16 ? { action: 'Reset', payload: { type: 'Soft' } } : { action: 'Reset', payload: { type: 'Immediate' } };
  }
}

const VERB: Record<RemoteAction, string> = { start: 'Start', stop: 'Stop', unlock: 'Unlock', reboot: 'Reboot' };

/** The command's outcome in the five words the page shows, with a sentence that says why. */
export function actionOutcomeOf(action: RemoteAction, record: CommandRecord): { outcome: ActionOutcome; detail: string } {
  const verb = VERB[action];
  const answered = typeof record.response?.status === 'string' ? record.response.status : undefined;
  switch (record.status) {
    case 'accepted':
    case 'partially_accepted':
      return { outcome: 'accepted', detail: `${verb}: the charger accepted (${record.action} ${answered ?? 'Accepted'})` };
    case 'rejected':
      return { outcome: 'rejected', detail: `${verb}: the charger refused (${record.action} ${answered ?? 'Rejected'})` };
    case 'timed_out':
      return { outcome: 'timed_out', detail: `${verb}: the charger did not answer ${record.action} in time; it may still act on it` };
    case 'not_connected':
      return { outcome: 'not_connected', detail: `${verb}: the charger is not connected, so nothing was sent` };
    case 'error':
    case 'sent':
      return { outcome: 'error', detail: `${verb}: the charger answered with an error${record.error ? ` (${record.error.code}: ${record.error.description})` : ''}` };
  }
}

/**
 * Runs one action and waits for the charger's answer (at most REMOTE_ACTION_TIMEOUT_MS). The offer
 * is not re-checked here: the page may be a few seconds old and the charger is the authority, so
 * its answer (or not_connected) is the result. Refusals before anything is sent are errors: a
 * Pending station's start/stop (Conflict from callChargePoint, OCPP 1.6 §4.2), stop without a
 * session, another command in flight (Conflict), no serial yet (Conflict). The outcome is kept on
 * the charge point and logged with who asked.
 */
export async function runRemoteAction(cp: ChargePoint, action: RemoteAction, actor: Actor): Promise<ActionResultView> {
  if (!cp.identity || !cp.protocol) throw new Conflict(`Charge point ${cp.chargePointId} has no serial yet: there is no charger to send ${action} to`, { field: 'action' });
  const registered = cp as ChargePoint & { identity: string; protocol: OcppVersion };
  const by = describeActor(actor);
  const command = await commandFor(registered, action);
  const record = await callChargePoint(registered.identity, command.action, command.payload, { timeoutMs: REMOTE_ACTION_TIMEOUT_MS, requestedBy: by });
  const { outcome, detail } = actionOutcomeOf(action, record);
  const at = record.completedAt ?? new Date().toISOString();
  await recordLastRemoteAction(cp.chargePointId, { action, outcome, detail, at, by, commandId: record.commandId });
  await putLogEntry({
    identity: registered.identity,
    at,
    category: action === 'start' || action === 'stop' ? 'transaction' : 'ocpp_state',
    kind: 'remote_action',
    action: command.action,
    detail: { remote_action: action, outcome, detail, by, command_id: record.commandId },
  }).catch((err: unknown) => log.warn('remote action log entry failed', { err }));
  return { action, outcome, detail, at };
}
