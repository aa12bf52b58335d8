// BootNotification and Heartbeat (OCPP 1.6 §4.2, §4.6; 2.0.1 B01–B03, G02).
import { config } from '../../config';
import { getChargePoint, type BootInfo } from '../../db/charge-points';
import { keys } from '../../db/keys';
import { makeEvent, publish } from '../../events/publish';
import type { ActionHandler } from './types';
/** The heartbeat interval asked for: lib/ocpp/heartbeat.ts says why. */
import { heartbeatIntervalSeconds } from '../heartbeat';

interface Boot16 {
  chargePointVendor: string;
  chargePointModel: string;
  chargePointSerialNumber?: string;
  chargeBoxSerialNumber?: string;
  firmwareVersion?: string;
}
interface Boot201 {
  reason: string;
  chargingStation: { model: string; vendorName: string; serialNumber?: string; firmwareVersion?: string };
}

export const bootNotification: ActionHandler = async (ctx, payload: Boot16 | Boot201) => {
  const station =
    ctx.version === 'ocpp1.6'
      ? {
          vendor: (payload as Boot16).chargePointVendor,
          model: (payload as Boot16).chargePointModel,
          serial: (payload as Boot16).chargePointSerialNumber ?? (payload as Boot16).chargeBoxSerialNumber,
          firmware: (payload as Boot16).firmwareVersion,
        }
      : {
          vendor: (payload as Boot201).chargingStation.vendorName,
          model: (payload as Boot201).chargingStation.model,
          serial: (payload as Boot201).chargingStation.serialNumber,
          firmware: (payload as Boot201).chargingStation.firmwareVersion,
        };
  // The Pending gate (DESIGN.md §3): a charge point is Pending until commissioning has seen it
  // connect and boot with a firmware version; commissioning then opens the gate (bootAcceptedAt) and
  // triggers a new BootNotification, which is Accepted (TC_B_31_CSMS), before it checks the
  // heartbeat. A failed commissioning closes it again; a completed one keeps it open.
  const cp = await getChargePoint(ctx.connection.chargePointId, true);
  const c = cp?.commissioning;
  const status: BootInfo['status'] = c?.status === 'completed' || (c?.status === 'in_progress' && c.bootAcceptedAt) ? 'Accepted' : 'Pending';
  const boot: BootInfo = {
    chargePointVendor: station.vendor,
    chargePointModel: station.model,
    ...(station.serial ? { serialNumber: station.serial } : {}),
    ...(station.firmware ? { firmwareVersion: station.firmware } : {}),
    at: ctx.receivedAt,
    status,
  };
  const tableName = config().tableName;
  return {
    category: 'ocpp_state',
    response: { status, currentTime: new Date().toISOString(), interval: heartbeatIntervalSeconds() },
    writes: [
      {
        Update: {
          TableName: tableName,
          Key: keys.chargePoint(ctx.connection.chargePointId),
          // A version the charge point reports replaces one read from its configuration or recorded by hand.
          UpdateExpression: `SET boot = :boot, updatedAt = :at${station.firmware ? ', firmwareVersion = :fw REMOVE firmwareSource, firmwareLookup' : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':boot': boot, ':at': ctx.receivedAt, ...(station.firmware ? { ':fw': station.firmware } : {}) },
        },
      },
      {
        Update: {
          TableName: tableName,
          Key: keys.connection(ctx.connection.connectionId),
          UpdateExpression: 'SET bootStatus = :s',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':s': status },
        },
      },
    ],
    effects: [
      () =>
        publish([
          // A local list that a sync could not reach (issue #17, domain/local-list.ts) is sent once the
          // charger is back: flagged on the item this handler reads anyway, so other boots cost nothing more.
          ...(status === 'Accepted' && cp?.localListPending ? [makeEvent('local_list.sync_requested', ctx.connection.operatorId, { charge_point_id: ctx.connection.chargePointId })] : []),
          makeEvent('charge_point.booted', ctx.connection.operatorId, {
            charge_point_id: ctx.connection.chargePointId,
            charge_point_identity: ctx.identity,
            project_id: ctx.connection.projectId,
            vendor: station.vendor,
            model: station.model,
            ...(station.firmware ? { firmware_version: station.firmware } : {}),
            boot_status: status,
            model_changed: cp?.boot?.chargePointVendor !== station.vendor || cp?.boot?.chargePointModel !== station.model,
          }),
        ]),
    ],
  };
};

/** One write: the log entry. The last heartbeat is read from the log, not stored twice. */
export const heartbeat: ActionHandler = async () => ({
  category: 'ocpp_state',
  response: { currentTime: new Date().toISOString() },
});

