// Charge points, their identity guard (serial = OCPP identity, unique across the platform) and live
// WebSocket connections. ACCESS_PATTERNS.md lists each query and who calls it.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import type { TransactItem } from '../aws/transact';
import type { OcppVersion } from '../ocpp/versions';
import { keys } from './keys';
import { batchGetAll, queryAll } from './query';

export interface BootInfo {
  readonly chargePointVendor: string;
  readonly chargePointModel: string;
  readonly serialNumber?: string;
  readonly firmwareVersion?: string;
  readonly at: string;
  /** What we answered: Pending until commissioning completes (DESIGN.md §3, Pending gate). */
  readonly status: 'Accepted' | 'Pending' | 'Rejected';
}

export interface Credentials {
  /** Hash of the password the charge point must present now (lib/ocpp/credentials.ts: salted SHA-256; older items scrypt). */
  readonly current: string;
  /** The password before the last rotation, accepted until the charge point has used the new one (DESIGN.md §3). */
  readonly previous?: string;
  /** `previous` is refused from then on, used or not (domain/password-rotation.ts). */
  readonly previousValidUntil?: string;
  /** When the charge point first connected with `current` after a rotation (set by $connect). */
  readonly adoptedAt?: string;
  readonly issuedAt: string;
  readonly kind: 'provisioning' | 'long_term';
  /**
   * A KMS-sealed copy of the provisioning password `current` stands for (lib/webhooks/secret-box.ts),
   * kept only for passwords issued through a public job link or the demo seed, so the job page can
   * show it again (lib/domain/public-job.ts revealPassword). It lives inside `credentials` on
   * purpose: every write that replaces the credentials (the rotation to the long-term password, a
   * re-provisioning) drops it in the same write, so no copy outlives the password it opens.
   */
  readonly sealedProvisioning?: string;
}

/** Absent: reported in BootNotification. */
export type FirmwareSource =
  | { readonly kind: 'configuration'; readonly how: string; readonly at: string }
  | { readonly kind: 'installer'; readonly reason: string; readonly by: string; readonly at: string };

export interface ChargePointConnection {
  readonly connectionId: string;
  readonly protocol: OcppVersion;
  readonly connectedAt: string;
  readonly sourceIp?: string;
  /** Which stored password the charge point authenticated with. */
  readonly credential?: 'provisioning' | 'long_term' | 'previous';
}

export const COMMISSIONING_CHECKS = ['ocpp_connection', 'firmware_version', 'heartbeat'] as const;
export type CommissioningCheckName = (typeof COMMISSIONING_CHECKS)[number];
export type CheckStatus = 'pending' | 'passed' | 'failed';

export interface CommissioningCheck {
  readonly name: CommissioningCheckName;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly at: string | null;
}

export interface Commissioning {
  readonly status: 'pending' | 'in_progress' | 'completed' | 'failed';
  readonly startedAt?: string;
  readonly startedBy?: string;
  readonly completedAt?: string;
  readonly checks?: readonly CommissioningCheck[];
  /**
   * When commissioning opened the Pending gate early: the connection and firmware checks had passed,
   * so from then on a BootNotification is answered Accepted while the heartbeat is checked (the order
   * TC_B_31_CSMS validates; lib/domain/commissioning.ts runCommissioning). Cleared by a new start.
   */
  readonly bootAcceptedAt?: string;
  /** Outcome of moving the charge point to its long-term password after completion. */
  readonly passwordRotation?: {
    /**
     * What the charger answered. `pending_adoption`: it accepted; domain/password-rotation.ts reports
     * it `rotated` once the charger has connected with the new password. (`rotated` is stored only
     * by older versions, which wrote it on the Accepted answer alone.)
     */
    readonly status: 'pending_adoption' | 'rotated' | 'refused' | 'failed';
    readonly detail: string;
    readonly at: string;
  };
}

export interface ChargePoint {
  /**
   * Its location balances power (issue #18): set by the planner on the chargers it plans, so $connect
   * carries it to the connection and the events of this charger's sessions and status changes say it
   * (the planner's rule matches only those; every other charger's events invoke nothing).
   */
  readonly powerManaged?: boolean;
  readonly chargePointId: string;
  readonly operatorId: string;
  readonly teamId: string;
  readonly siteId: string;
  readonly projectId: string;
  /** Serial number = OCPP identity (canonical form); absent while only planned. */
  readonly identity?: string;
  readonly protocol?: OcppVersion;
  readonly connectorCount: number;
  /** 1.6 NumberOfConnectors as the charger last answered GetConfiguration (ocpp/actions/status.ts). */
  readonly numberOfConnectors?: number;
  readonly vendor?: string;
  readonly model?: string;
  readonly credentials?: Credentials;
  readonly boot?: BootInfo;
  readonly firmwareVersion?: string;
  /** Where firmwareVersion came from when not from BootNotification (where it is optional in both versions). */
  readonly firmwareSource?: FirmwareSource;
  /** The last attempt to read the firmware version from the configuration, when it found none. */
  readonly firmwareLookup?: { readonly at: string; readonly detail: string };
  readonly firmwareStatus?: { readonly status: string; readonly at: string };
  /** A local list sync could not reach it (issue #17, domain/local-list.ts): the next Accepted boot asks for one. */
  readonly localListPending?: boolean;
  /** The serial as the installer typed it; `identity` is its canonical (upper-case) form. */
  readonly displaySerial?: string;
  readonly connection?: ChargePointConnection;
  readonly lastDisconnectedAt?: string;
  /** When the newest successful $connect happened (kept after it disconnects: connection-diagnosis.ts counts attempts after it). */
  readonly lastConnectedAt?: string;
  readonly commissioning?: Commissioning;
  /** A serial the operator planned before registration (no identity guard is taken for it). */
  readonly plannedSerial?: string;
  /** Where the connector is, as the installer picked it on the job page (api/schemas.ts CONNECTOR_POSITIONS). */
  readonly connectorPosition?: string;
  /**
   * Open to drivers. New charge points are created `false` and become `true` when their job is
   * completed or the operator activates them (domain/jobs.ts). Absent on items created before
   * activation existed: those count as active (domain/charge-point-view.ts isActive).
   */
  readonly active?: boolean;
  readonly activatedAt?: string;
  /** describeActor() of who activated it: `via public link lnk_…`, `by the operator`. */
  readonly activatedBy?: string;
  /** The outcome of the last remote action (domain/remote-actions.ts), so a reload still shows it. */
  readonly lastAction?: LastRemoteAction;
  /** Default price group of sessions here (domain/pricing.ts resolvePriceGroup). */
  readonly priceGroupId?: string;
  /**
   * Every token accepted (domain/authorization.ts). Absent: free vend while inactive, so an
   * installer's test charges work before the job is completed (isFreeVend).
   */
  readonly freeVend?: boolean;
  /**
   * Another operator on this platform bills sessions here (issue #17 §3, domain/backoffice.ts): a copy
   * of the accepted billing connection, written in the same transaction as the connection item, so a
   * session start (domain/pricing.ts resolvePriceGroup) reads it with the charge point it reads anyway.
   */
  readonly billing?: { readonly operatorId: string; readonly priceGroupId: string; readonly since: string };
  /** The charger was moved to an external backoffice (domain/backoffice.ts): where, and when. */
  readonly departed?: { readonly url: string; readonly at: string };
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface LastRemoteAction {
  readonly action: 'start' | 'stop' | 'force_stop' | 'unlock' | 'reboot' | 'check';
  readonly outcome: 'accepted' | 'rejected' | 'timed_out' | 'not_connected' | 'error';
  readonly detail: string;
  readonly at: string;
  readonly by: string;
  readonly commandId?: string;
}

export interface IdentityGuard {
  readonly identity: string;
  readonly chargePointId: string;
  readonly projectId: string;
  readonly operatorId: string;
  readonly teamId: string;
  readonly teamName: string;
}

export interface ConnectionRecord {
  readonly connectionId: string;
  readonly identity: string;
  readonly chargePointId: string;
  readonly operatorId: string;
  readonly projectId: string;
  readonly protocol: OcppVersion;
  readonly connectedAt: string;
  readonly sourceIp?: string;
  readonly bootStatus?: BootInfo['status'];
  /** From the charge point at $connect (ChargePoint.powerManaged). */
  readonly powerManaged?: boolean;
}

export async function getChargePoint(chargePointId: string, consistent = false): Promise<ChargePoint | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: config().tableName, Key: keys.chargePoint(chargePointId), ConsistentRead: consistent }),
  );
  return out.Item as ChargePoint | undefined;
}

/** AP-08 for many: charge point items by id, with BatchGet (a fan-out's selection). */
export async function getChargePoints(chargePointIds: readonly string[], consistent = false): Promise<ChargePoint[]> {
  return batchGetAll<ChargePoint>(chargePointIds.map((id) => keys.chargePoint(id)), consistent);
}

export async function getIdentityGuard(identity: string): Promise<IdentityGuard | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.identity(identity) }));
  return out.Item as IdentityGuard | undefined;
}

/** AP-07: a project's charge points. */
export async function listChargePointsOfProject(projectId: string): Promise<ChargePoint[]> {
  return queryAll<ChargePoint>({
    TableName: config().tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.chargePointsOfProject(projectId).gsi1pk },
  });
}

/**
 * Replaces a legacy (scrypt) password hash with its SHA-256 form after a login proved the password
 * (lib/ocpp/credentials.ts). Only if the stored hash is still the one verified: a rotation or a
 * re-provisioning in between wins. Returns false when it did not apply.
 */
export async function upgradeCredentialHash(chargePointId: string, which: 'current' | 'previous', verified: string, upgraded: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.chargePoint(chargePointId),
        UpdateExpression: 'SET credentials.#which = :new',
        ConditionExpression: 'credentials.#which = :old',
        ExpressionAttributeNames: { '#which': which },
        ExpressionAttributeValues: { ':new': upgraded, ':old': verified },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/**
 * The connection item, strongly consistent so a frame right after $connect sees its record. The
 * $default hot path reads it only when the $connect authorizer's context is missing or when the boot
 * status may have changed since (lib/ocpp/pipeline.ts).
 */
export async function getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: config().tableName, Key: keys.connection(connectionId), ConsistentRead: true }),
  );
  return out.Item as ConnectionRecord | undefined;
}

/** AP-10 for many: connection items by connection id, strongly consistent, with BatchGet. */
export async function getConnections(connectionIds: readonly string[]): Promise<ConnectionRecord[]> {
  return batchGetAll<ConnectionRecord>(connectionIds.map((id) => keys.connection(id)), true);
}

/** Connection items live a little longer than API Gateway's 2 h connection limit (DESIGN.md §2.5). */
export const CONNECTION_TTL_SECONDS = 2 * 3600 + 15 * 60;

export function connectionPut(record: ConnectionRecord): TransactItem {
  return {
    Put: {
      TableName: config().tableName,
      Item: {
        ...keys.connection(record.connectionId),
        type: 'connection',
        ...record,
        expiresAt: Math.floor(Date.parse(record.connectedAt) / 1000) + CONNECTION_TTL_SECONDS,
      },
    },
  };
}

/**
 * The newest connection wins: older $connects that arrive late do not overwrite it (DESIGN.md §2.5).
 * `retirePrevious`: the first connect with a rotated password retires the old one and records when
 * the new one was adopted (what makes the rotation `rotated`, domain/password-rotation.ts).
 */
/**
 * Records a new connection on the charge point, newest first. `replaces` is the connection the
 * authorizer saw (undefined: none): the update applies only if that is still the recorded one (or
 * none is), so of two connections of one charge point opened at the same moment, the second write
 * fails instead of silently overwriting the first, which would stay open untracked. On failure the
 * item comes back (ALL_OLD) so the caller can see which connection it raced with.
 */
export function chargePointConnectedUpdate(chargePointId: string, connection: ChargePointConnection, retirePrevious: boolean, replaces: string | undefined): TransactItem {
  return {
    Update: {
      TableName: config().tableName,
      Key: keys.chargePoint(chargePointId),
      UpdateExpression: `SET #conn = :conn, lastConnectedAt = :now, updatedAt = :now${retirePrevious ? ', credentials.adoptedAt = :now REMOVE credentials.previous, credentials.previousValidUntil' : ''}`,
      ConditionExpression: replaces
        ? 'attribute_exists(pk) AND (attribute_not_exists(#conn) OR (#conn.connectionId = :replaces AND #conn.connectedAt <= :now))'
        : 'attribute_exists(pk) AND attribute_not_exists(#conn)',
      ExpressionAttributeNames: { '#conn': 'connection' },
      ExpressionAttributeValues: { ':conn': connection, ':now': connection.connectedAt, ...(replaces ? { ':replaces': replaces } : {}) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Clears the charge point's connection only if it is still this one (a newer one may have superseded it). */
export function chargePointDisconnectedUpdate(chargePointId: string, connectionId: string, at: string): TransactItem {
  return {
    Update: {
      TableName: config().tableName,
      Key: keys.chargePoint(chargePointId),
      UpdateExpression: 'REMOVE #conn SET lastDisconnectedAt = :at, updatedAt = :at',
      ConditionExpression: '#conn.connectionId = :id',
      ExpressionAttributeNames: { '#conn': 'connection' },
      ExpressionAttributeValues: { ':id': connectionId, ':at': at },
    },
  };
}

export function connectionDelete(connectionId: string): TransactItem {
  return { Delete: { TableName: config().tableName, Key: keys.connection(connectionId) } };
}

/**
 * AP-08: opens an inactive charge point to drivers. Conditional on `active = false`, so of two
 * concurrent activations (a job completion and the operator) one applies; false when it was active
 * already (including items without the attribute, which count as active).
 */
export async function markChargePointActive(chargePointId: string, by: string, at: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.chargePoint(chargePointId),
        UpdateExpression: 'SET active = :t, activatedAt = :at, activatedBy = :by, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND active = :f',
        ExpressionAttributeValues: { ':t': true, ':f': false, ':at': at, ':by': by },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/** AP-08: the last remote action's outcome; an older outcome arriving late does not replace a newer one. */
export async function recordLastRemoteAction(chargePointId: string, result: LastRemoteAction): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.chargePoint(chargePointId),
        UpdateExpression: 'SET lastAction = :a',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastAction) OR lastAction.#at <= :at)',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':a': result, ':at': result.at },
      }),
    );
  } catch (err) {
    if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
  }
}

/**
 * AP-119: the planner marks a charger of a location with power settings (issue #18), once: `$connect`
 * carries the mark to the connection, and the charger's session and status events say
 * `power_managed`, the only ones the planner's rule matches. Conditional on the item existing and not
 * marked yet, so a re-plan writes nothing; false when there was nothing to do.
 */
export async function markPowerManaged(chargePointId: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.chargePoint(chargePointId),
        UpdateExpression: 'SET powerManaged = :t',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(powerManaged)',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}
