// Registering a charge point on a project: its serial becomes its OCPP identity (unique across the
// platform through a guard item in the same transaction) and it gets a provisioning password that
// is shown once and stored only as a salted hash.
import { transactWrite, type TransactItem } from '../aws/transact';
import { config } from '../config';
import { getChargePoint, getIdentityGuard, listChargePointsOfProject, type ChargePoint, type Credentials, type IdentityGuard } from '../db/charge-points';
import { ENTITY, keys } from '../db/keys';
import { getProject, getTeam } from '../db/projects';
import { newId, nowIso } from '../ids';
import { canonicalIdentity, generateProvisioningPassword, hashPassword, isValidIdentity } from '../ocpp/credentials';
import type { OcppVersion } from '../ocpp/versions';
import { makeEvent, publish } from '../events/publish';
import { log } from '../log';
import { AFTER_HANDOVER, Conflict, Locked, NotFound, ValidationFailed } from './errors';

export interface RegisterChargePointInput {
  readonly projectId: string;
  readonly serialNumber: string;
  readonly protocol: OcppVersion;
  readonly connectorCount?: number;
  readonly vendor?: string;
  readonly model?: string;
  /** Who registered it (for the charge_point.registered event), e.g. `installer:inst_…`. */
  readonly registeredBy?: string;
}

export interface RegisteredChargePoint {
  readonly chargePoint: ChargePoint;
  readonly identity: string;
  /** Shown once; only its hash is stored. */
  readonly provisioningPassword: string;
  /** Where the charger connects (OCPP-J: the identity is appended as the last path segment). */
  readonly ocppEndpoint: string;
  readonly ocppUrl: string;
  readonly created: boolean;
}

export function serialInUseMessage(teamName: string): string {
  return `Serial is in use by: ${teamName}`;
}

export async function registerChargePoint(input: RegisterChargePointInput): Promise<RegisteredChargePoint> {
  const raw = input.serialNumber.trim();
  if (!isValidIdentity(raw)) {
    throw new ValidationFailed('The serial number cannot be used as an OCPP identity', [
      { field: 'serial_number', message: 'must be 1–48 characters of A–Z, a–z, 0–9 and * - _ = + | @ .' },
    ]);
  }
  const identity = canonicalIdentity(raw);
  const project = await getProject(input.projectId);
  if (!project) throw new NotFound(`Project ${input.projectId} not found`);
  if (project.status === 'handed_over') throw new Locked(`The project has been handed over and is locked: ${AFTER_HANDOVER}`);
  const team = await getTeam(project.operatorId, project.teamId);
  const existing = await getIdentityGuard(identity);
  if (existing && existing.teamId !== project.teamId) throw new Conflict(serialInUseMessage(existing.teamName), { field: 'serial_number' });
  if (existing && existing.projectId !== project.projectId) {
    throw new Conflict(serialInUseMessage(existing.teamName), { field: 'serial_number', detail_reason: 'registered on another project of the same team' });
  }

  const password = generateProvisioningPassword();
  const credentials: Credentials = { current: await hashPassword(password), issuedAt: nowIso(), kind: 'provisioning' };
  const now = nowIso();
  const tableName = config().tableName;
  let chargePoint: ChargePoint;
  let items: TransactItem[];
  let planned: ChargePoint | undefined;
  if (existing) {
    // Registering again in the same project issues a new password (the old one stops working).
    chargePoint = { ...(await loadOrThrow(existing)), protocol: input.protocol, credentials, updatedAt: now };
    items = [
      {
        Update: {
          TableName: tableName,
          Key: keys.chargePoint(existing.chargePointId),
          UpdateExpression: 'SET protocol = :p, credentials = :c, updatedAt = :now, displaySerial = :ds' + (input.connectorCount ? ', connectorCount = :n' : '') + (input.vendor ? ', vendor = :v' : '') + (input.model ? ', model = :m' : ''),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':p': input.protocol,
            ':c': credentials,
            ':now': now,
            ':ds': raw,
            ...(input.connectorCount ? { ':n': input.connectorCount } : {}),
            ...(input.vendor ? { ':v': input.vendor } : {}),
            ...(input.model ? { ':m': input.model } : {}),
          },
        },
      },
    ];
  } else if ((planned = await plannedSlotFor(project.projectId, identity))) {
    // The operator planned this charge point: fill in its serial rather than adding another one.
    chargePoint = {
      ...planned,
      identity,
      protocol: input.protocol,
      connectorCount: input.connectorCount ?? planned.connectorCount,
      ...(input.vendor ? { vendor: input.vendor } : {}),
      ...(input.model ? { model: input.model } : {}),
      credentials,
      commissioning: { status: 'pending' },
      updatedAt: now,
    };
    // Fills the planned item only if nobody registered a serial on it meanwhile.
    items = claimSerial(chargePoint, team?.name ?? project.teamId, raw, 'planned');
  } else {
    chargePoint = {
      chargePointId: newId('cp'),
      operatorId: project.operatorId,
      teamId: project.teamId,
      siteId: project.siteId,
      projectId: project.projectId,
      identity,
      protocol: input.protocol,
      connectorCount: input.connectorCount ?? 1,
      ...(input.vendor ? { vendor: input.vendor } : {}),
      ...(input.model ? { model: input.model } : {}),
      credentials,
      commissioning: { status: 'pending' },
      createdAt: now,
      updatedAt: now,
    };
    items = claimSerial(chargePoint, team?.name ?? project.teamId, raw, 'new');
  }
  const result = await transactWrite(items);
  if (result.cancelled) {
    // Lost a race for the serial: report who has it now.
    const winner = await getIdentityGuard(identity);
    throw new Conflict(serialInUseMessage(winner?.teamName ?? 'another team'), { field: 'serial_number' });
  }
  await publish([
    makeEvent('charge_point.registered', chargePoint.operatorId, {
      charge_point_id: chargePoint.chargePointId,
      charge_point_identity: identity,
      project_id: chargePoint.projectId,
      ocpp_protocol: input.protocol,
      registered_by: input.registeredBy ?? 'system',
      new_password_issued: true,
    }),
  ]).catch((err: unknown) => log.error('publish charge_point.registered failed', { identity, err }));
  const base = config().ocppPublicEndpoint;
  return { chargePoint, identity, provisioningPassword: password, ocppEndpoint: base, ocppUrl: `${base}/${encodeURIComponent(identity)}`, created: !existing };
}

function guardFor(cp: ChargePoint, teamName: string): IdentityGuard {
  return { identity: cp.identity!, chargePointId: cp.chargePointId, projectId: cp.projectId, operatorId: cp.operatorId, teamId: cp.teamId, teamName };
}

/** The identity guard and the charge point item, written together: the serial is unique or nothing is written. */
function claimSerial(cp: ChargePoint, teamName: string, displaySerial: string, slot: 'new' | 'planned'): TransactItem[] {
  const tableName = config().tableName;
  return [
    { Put: { TableName: tableName, Item: { ...keys.identity(cp.identity!), type: ENTITY.identity, ...guardFor(cp, teamName) }, ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Put: {
        TableName: tableName,
        Item: { ...keys.chargePoint(cp.chargePointId), ...keys.chargePointByProject(cp.projectId, cp.chargePointId), type: ENTITY.chargePoint, ...cp, displaySerial },
        ...(slot === 'new'
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#identity)', ExpressionAttributeNames: { '#identity': 'identity' } }),
      },
    },
  ];
}

/** A planned charge point of the project for this serial, else one planned without a serial. */
async function plannedSlotFor(projectId: string, identity: string): Promise<ChargePoint | undefined> {
  const unregistered = (await listChargePointsOfProject(projectId)).filter((c) => !c.identity);
  return unregistered.find((c) => c.plannedSerial === identity) ?? unregistered.find((c) => !c.plannedSerial);
}

/** The operator plans a charge point on a project; the serial may come later from the installer. */
export async function planChargePoint(
  operatorId: string,
  projectId: string,
  input: { serialNumber?: string; connectorCount: number; protocol?: OcppVersion; vendor?: string; model?: string },
): Promise<ChargePoint> {
  const project = await getProject(projectId);
  if (!project || project.operatorId !== operatorId) throw new NotFound(`Project ${projectId} not found`);
  if (project.status === 'handed_over') throw new Locked('The project has been handed over and is locked');
  if (input.serialNumber !== undefined && !isValidIdentity(input.serialNumber.trim())) {
    throw new ValidationFailed('The serial number cannot be used as an OCPP identity', [{ field: 'serial_number', message: 'must be 1–48 characters of A–Z, a–z, 0–9 and * - _ = + | @ .' }]);
  }
  const now = nowIso();
  const cp: ChargePoint = {
    chargePointId: newId('cp'),
    operatorId,
    teamId: project.teamId,
    siteId: project.siteId,
    projectId,
    connectorCount: input.connectorCount,
    ...(input.serialNumber ? { plannedSerial: canonicalIdentity(input.serialNumber.trim()), displaySerial: input.serialNumber.trim() } : {}),
    ...(input.protocol ? { protocol: input.protocol } : {}),
    ...(input.vendor ? { vendor: input.vendor } : {}),
    ...(input.model ? { model: input.model } : {}),
    commissioning: { status: 'pending' },
    createdAt: now,
    updatedAt: now,
  };
  await transactWrite([
    {
      Put: {
        TableName: config().tableName,
        Item: { ...keys.chargePoint(cp.chargePointId), ...keys.chargePointByProject(projectId, cp.chargePointId), type: ENTITY.chargePoint, ...cp },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ]);
  return cp;
}

async function loadOrThrow(guard: IdentityGuard): Promise<ChargePoint> {
  const cp = await getChargePoint(guard.chargePointId, true);
  if (!cp) throw new NotFound(`Charge point ${guard.chargePointId} not found`);
  return cp;
}
