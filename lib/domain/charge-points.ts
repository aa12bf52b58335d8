// Registering a charge point on a project: its serial becomes its OCPP identity (unique across the
// platform through a guard item in the same transaction) and it gets a provisioning password that
// is shown once and stored only as a salted hash.
import { transactWrite, type TransactItem } from '../aws/transact';
import { config } from '../config';
import { getChargePoint, getIdentityGuard, type ChargePoint, type Credentials, type IdentityGuard } from '../db/charge-points';
import { ENTITY, keys } from '../db/keys';
import { getProject, getTeam } from '../db/projects';
import { newId, nowIso } from '../ids';
import { canonicalIdentity, generateProvisioningPassword, hashPassword, isValidIdentity } from '../ocpp/credentials';
import type { OcppVersion } from '../ocpp/versions';
import { Conflict, Locked, NotFound, ValidationFailed } from './errors';

export interface RegisterChargePointInput {
  readonly projectId: string;
  readonly serialNumber: string;
  readonly protocol: OcppVersion;
  readonly connectorCount?: number;
  readonly vendor?: string;
  readonly model?: string;
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
  if (project.status === 'handed_over') throw new Locked('The project has been handed over and is locked; ask the operator to reopen it');
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
    const guard: IdentityGuard = {
      identity,
      chargePointId: chargePoint.chargePointId,
      projectId: project.projectId,
      operatorId: project.operatorId,
      teamId: project.teamId,
      teamName: team?.name ?? project.teamId,
    };
    items = [
      { Put: { TableName: tableName, Item: { ...keys.identity(identity), type: ENTITY.identity, ...guard }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: tableName,
          Item: { ...keys.chargePoint(chargePoint.chargePointId), ...keys.chargePointByProject(project.projectId, chargePoint.chargePointId), type: ENTITY.chargePoint, ...chargePoint, displaySerial: raw },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
  }
  const result = await transactWrite(items);
  if (result.cancelled) {
    // Lost a race for the serial: report who has it now.
    const winner = await getIdentityGuard(identity);
    throw new Conflict(serialInUseMessage(winner?.teamName ?? 'another team'), { field: 'serial_number' });
  }
  const base = config().ocppPublicEndpoint;
  return { chargePoint, identity, provisioningPassword: password, ocppEndpoint: base, ocppUrl: `${base}/${encodeURIComponent(identity)}`, created: !existing };
}

async function loadOrThrow(guard: IdentityGuard): Promise<ChargePoint> {
  const cp = await getChargePoint(guard.chargePointId, true);
  if (!cp) throw new NotFound(`Charge point ${guard.chargePointId} not found`);
  return cp;
}
