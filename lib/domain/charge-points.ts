// Registering a charge point on a project: its serial becomes its OCPP identity (unique across the
// platform through a guard item in the same transaction) and it gets a provisioning password that
// is shown once and stored only as a salted hash.
//
// Registering a serial that is already on the project is refused (409): it used to issue a new
// password silently, which locks out a charger that was already configured (or commissioned).
// Re-provisioning is explicit (`reprovision: true`): new provisioning password, the previous ones
// stop working at once, commissioning goes back to `pending`, and the reply says so.
//
// Retries: a client that sends an `Idempotency-Key` gets the same answer, password included, for
// the same request within REPLY_TTL_SECONDS. The password is stored only as a hash, so the reply is
// kept sealed (AES-256-GCM) under a key derived from the Idempotency-Key itself, which the table
// holds only as a sha256: someone who can read the table cannot read the password without the
// client's key. The sealed reply is written in the registration transaction, so it exists exactly
// when the registration does, and a concurrent call with the same key loses that conditional put
// and answers with the winner's reply. Concurrent calls without a key: one wins the conditional
// writes (identity guard, or the credentials it read for a re-provisioning), the others get 409.
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { transactWrite, type TransactItem } from '../aws/transact';
import { seal, unseal } from '../auth/sealed';
import { config } from '../config';
import { getChargePoint, getIdentityGuard, listChargePointsOfProject, type ChargePoint, type Credentials, type IdentityGuard } from '../db/charge-points';
import { ENTITY, keys } from '../db/keys';
import { logPut } from '../db/logs';
import { getProject, getTeam } from '../db/projects';
import { newId, nowIso } from '../ids';
import { canonicalIdentity, generateProvisioningPassword, hashPassword, isValidIdentity } from '../ocpp/credentials';
import type { OcppVersion } from '../ocpp/versions';
import { makeEvent, publish } from '../events/publish';
import { log } from '../log';
import { SEAL_PURPOSES, sealSecret } from '../webhooks/secret-box';
import { AFTER_HANDOVER, Conflict, Locked, NotFound, ValidationFailed } from './errors';

/** How long a retry with the same Idempotency-Key gets the same answer (a double-click, a client retry). */
export const REPLY_TTL_SECONDS = 10 * 60;
/** RFC-draft Idempotency-Key: an opaque string; long enough to be a real secret (a UUID is 36). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{16,128}$/;
const REPLY_PURPOSE = 'registration-reply-v1';

export interface RegisterChargePointInput {
  readonly projectId: string;
  readonly serialNumber: string;
  readonly protocol: OcppVersion;
  readonly connectorCount?: number;
  readonly vendor?: string;
  readonly model?: string;
  /** Who registered it (for the charge_point.registered event), e.g. `installer:inst_…`. */
  readonly registeredBy?: string;
  /** Issue a new provisioning password for a serial already on this project and restart its commissioning. */
  readonly reprovision?: boolean;
  /** The client's Idempotency-Key header: a retry with the same key and request gets the same answer. */
  readonly idempotencyKey?: string;
  /** Fill this planned charge point of the project (a job link edits one row), not any free slot. */
  readonly chargePointId?: string;
  /**
   * Keep a KMS-sealed copy of the provisioning password with its hash (Credentials.sealedProvisioning),
   * so a job link can show it again. Needs the `webhookSecrets: 'seal'` grant.
   */
  readonly keepSealedCopy?: boolean;
  /** Written in the registration's transaction (the audit log entry of a change made through a job link). */
  readonly alsoWrite?: readonly TransactItem[];
  /** With `chargePointId`: the job page's connector position, set in the same write (null clears it). */
  readonly connectorPosition?: string | null;
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
  /** A re-provisioning put commissioning back to `pending`. */
  readonly commissioningReset: boolean;
  /** This is the stored answer to an earlier request with the same Idempotency-Key. */
  readonly replayed: boolean;
}

/**
 * Why a serial cannot be registered. Inside one operator the installer guide's wording names the
 * team (the operator's own customer). Across operators it names nobody: any installer who guesses a
 * serial would otherwise learn which operator's customer owns that charger (issue #12).
 *
 * Who may claim a serial (a decision, issue #12 finding 6): an installer assigned to an open project,
 * by registering it there (the guard is a conditional put in the same transaction); first come,
 * first served across the platform, since a serial is an OCPP identity and can have one password.
 * Inside one operator a clash names the team, so the operator sorts it out itself. A wrong claim is
 * released by the operator that holds it (releaseSerial, DELETE /api/v1/operator/charge-points/{id}/serial),
 * never by the one that wants it: the message says so.
 */
export function serialInUseMessage(holder: { readonly operatorId: string; readonly teamName: string } | undefined, askingOperatorId: string): string {
  if (holder && holder.operatorId === askingOperatorId) return `Serial is in use by: ${holder.teamName}`;
  return 'Serial is in use by another operator. If this charger is yours, ask that operator to release it (or contact the charger\'s seller): the serial cannot be registered twice';
}

function alreadyRegistered(raw: string, cp: ChargePoint | undefined, chargePointId: string): Conflict {
  const status = cp?.commissioning?.status ?? 'pending';
  return new Conflict(
    `Serial ${raw} is already registered on this project (commissioning ${status}). Registering it again would replace the password the charger uses. ` +
      'If this was a retry, send an Idempotency-Key header to get the first answer again; to re-provision the charger on purpose ' +
      '(new provisioning password, commissioning starts again), send the registration with "reprovision": true.',
    { field: 'serial_number', charge_point_id: chargePointId, commissioning_status: status },
  );
}

interface StoredReply {
  readonly chargePointId: string;
  readonly identity: string;
  readonly fingerprint: string;
  readonly created: boolean;
  readonly commissioningReset: boolean;
  readonly sealed: string;
  readonly expiresAt: number;
}

interface Idempotency {
  readonly key: string;
  readonly itemKey: { pk: string; sk: string };
  readonly fingerprint: string;
}

function idempotencyOf(input: RegisterChargePointInput, identity: string): Idempotency | undefined {
  if (input.idempotencyKey === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(input.idempotencyKey)) {
    throw new ValidationFailed('The Idempotency-Key header must be 16–128 visible ASCII characters (a UUID is a good choice)', [
      { field: 'Idempotency-Key', message: 'must be 16–128 visible ASCII characters' },
    ]);
  }
  const keyHash = createHash('sha256').update(input.idempotencyKey).digest('base64url');
  const request = [input.projectId, identity, input.protocol, input.connectorCount ?? null, input.vendor ?? null, input.model ?? null, input.reprovision === true];
  return {
    key: input.idempotencyKey,
    itemKey: keys.registrationReply(input.registeredBy ?? 'system', keyHash),
    fingerprint: createHash('sha256').update(JSON.stringify(request)).digest('base64url'),
  };
}

/** The earlier answer to this Idempotency-Key, if it is still kept; 400 when the key was used for another request. */
async function replayOf(idem: Idempotency): Promise<RegisteredChargePoint | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: idem.itemKey, ConsistentRead: true }));
  const stored = out.Item as StoredReply | undefined;
  // DynamoDB Local never deletes expired items (ACCESS_PATTERNS.md): filter on read.
  if (!stored || stored.expiresAt < Math.floor(Date.now() / 1000)) return undefined;
  if (stored.fingerprint !== idem.fingerprint) {
    throw new ValidationFailed('This Idempotency-Key was already used for a different registration; use a new key for a new request', [
      { field: 'Idempotency-Key', message: 'was used for a different request' },
    ]);
  }
  const password = unseal(stored.sealed, idem.key, REPLY_PURPOSE);
  const chargePoint = await getChargePoint(stored.chargePointId, true);
  if (password === null || !chargePoint) return undefined;
  const base = config().ocppPublicEndpoint;
  return {
    chargePoint,
    identity: stored.identity,
    provisioningPassword: password,
    ocppEndpoint: base,
    ocppUrl: `${base}/${encodeURIComponent(stored.identity)}`,
    created: stored.created,
    commissioningReset: stored.commissioningReset,
    replayed: true,
  };
}

function replyPut(idem: Idempotency, reply: Omit<StoredReply, 'fingerprint' | 'sealed' | 'expiresAt'>, password: string): TransactItem {
  const now = Math.floor(Date.now() / 1000);
  const item: StoredReply = { ...reply, fingerprint: idem.fingerprint, sealed: seal(password, idem.key, REPLY_PURPOSE), expiresAt: now + REPLY_TTL_SECONDS };
  return {
    Put: {
      TableName: config().tableName,
      Item: { ...idem.itemKey, type: ENTITY.registrationReply, ...item },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': now },
    },
  };
}

export async function registerChargePoint(input: RegisterChargePointInput): Promise<RegisteredChargePoint> {
  const raw = input.serialNumber.trim();
  if (!isValidIdentity(raw)) {
    throw new ValidationFailed('The serial number cannot be used as an OCPP identity', [
      { field: 'serial_number', message: 'must be 1–48 characters of A–Z, a–z, 0–9 and * - _ = + | @ .' },
    ]);
  }
  const identity = canonicalIdentity(raw);
  const idem = idempotencyOf(input, identity);
  if (!idem) return register(input, raw, identity, undefined);
  const replay = await replayOf(idem);
  if (replay) return replay;
  try {
    return await register(input, raw, identity, idem);
  } catch (err) {
    // A concurrent call with the same key may have won meanwhile (its transaction commits a moment
    // after ours failed, or before our read of the serial): answer with its reply.
    if (!(err instanceof Conflict)) throw err;
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const winner = await replayOf(idem);
      if (winner) return winner;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw err;
  }
}

/** How often a registration picks a slot again after a concurrent one took it (each retry reads the project afresh). */
const SLOT_RETRIES = 5;

async function register(input: RegisterChargePointInput, raw: string, identity: string, idem: Idempotency | undefined, attempt = 0): Promise<RegisteredChargePoint> {
  const project = await getProject(input.projectId);
  if (!project) throw new NotFound(`Project ${input.projectId} not found`);
  if (project.status === 'handed_over') throw new Locked(`The project has been handed over and is locked: ${AFTER_HANDOVER}`);
  const team = await getTeam(project.operatorId, project.teamId);
  const existing = await getIdentityGuard(identity);
  if (existing && existing.teamId !== project.teamId) throw new Conflict(serialInUseMessage(existing, project.operatorId), { field: 'serial_number' });
  if (existing && existing.projectId !== project.projectId) {
    throw new Conflict(serialInUseMessage(existing, project.operatorId), { field: 'serial_number', detail_reason: 'registered on another project of the same team' });
  }
  const registered = existing ? await loadOrThrow(existing) : undefined;
  if (existing && !input.reprovision) throw alreadyRegistered(raw, registered, existing.chargePointId);

  const password = generateProvisioningPassword();
  const credentials = await provisioningCredentials(password, input.keepSealedCopy === true);
  const now = nowIso();
  const tableName = config().tableName;
  let chargePoint: ChargePoint;
  let items: TransactItem[];
  let planned: ChargePoint | undefined;
  if (registered) {
    // Re-provisioning on purpose: a fresh provisioning password (no grace for the old ones: the point
    // is that they stop working) and commissioning from the start, so the Pending gate and the
    // password rotation run again. Conditional on the credentials read above: of two concurrent
    // re-provisionings one wins, and the other is told so rather than handing out a dead password.
    const commissioning = { status: 'pending' as const };
    chargePoint = { ...registered, protocol: input.protocol, credentials, commissioning, updatedAt: now };
    items = [
      {
        Update: {
          TableName: tableName,
          Key: keys.chargePoint(registered.chargePointId),
          UpdateExpression:
            'SET protocol = :p, credentials = :c, commissioning = :pending, updatedAt = :now, displaySerial = :ds' +
            (input.connectorCount ? ', connectorCount = :n' : '') +
            (input.vendor ? ', vendor = :v' : '') +
            (input.model ? ', model = :m' : ''),
          ConditionExpression: registered.credentials ? 'attribute_exists(pk) AND credentials.#cur = :seen' : 'attribute_exists(pk) AND attribute_not_exists(credentials)',
          ...(registered.credentials ? { ExpressionAttributeNames: { '#cur': 'current' } } : {}),
          ExpressionAttributeValues: {
            ':p': input.protocol,
            ':c': credentials,
            ':pending': commissioning,
            ':now': now,
            ':ds': raw,
            ...(registered.credentials ? { ':seen': registered.credentials.current } : {}),
            ...(input.connectorCount ? { ':n': input.connectorCount } : {}),
            ...(input.vendor ? { ':v': input.vendor } : {}),
            ...(input.model ? { ':m': input.model } : {}),
          },
        },
      },
    ];
  } else if ((planned = await plannedSlotFor(project.projectId, identity, input.chargePointId))) {
    // The operator planned this charge point: fill in its serial rather than adding another one.
    // A planned serial that differs (one another team holds, stored by a job link) gives way to this one.
    const { plannedSerial, connectorPosition, ...slot } = planned;
    const position = input.connectorPosition === undefined ? connectorPosition : (input.connectorPosition ?? undefined);
    chargePoint = {
      ...slot,
      ...(position !== undefined ? { connectorPosition: position } : {}),
      ...(plannedSerial === identity ? { plannedSerial } : {}),
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
      // Closed to drivers until the job is completed or the operator activates it (domain/jobs.ts).
      active: false,
      createdAt: now,
      updatedAt: now,
    };
    items = claimSerial(chargePoint, team?.name ?? project.teamId, raw, 'new');
  }
  const commissioningReset = !!registered && registered.commissioning?.status !== undefined && registered.commissioning.status !== 'pending';
  if (idem) items.push(replyPut(idem, { chargePointId: chargePoint.chargePointId, identity, created: !registered, commissioningReset }, password));
  items.push(...(input.alsoWrite ?? []));
  const result = await transactWrite(items);
  if (result.cancelled) {
    // The serial's guard (first item of a claim) was fine, so what failed is the slot: a concurrent
    // registration of another serial filled the planned charge point this one picked, or the two
    // transactions conflicted. Nobody holds this serial: pick again rather than report a clash.
    if (!registered && (result.reasons[0] === 'None' || result.reasons[0] === 'TransactionConflict') && attempt < SLOT_RETRIES && !input.chargePointId) {
      return register(input, raw, identity, idem, attempt + 1);
    }
    const winner = await getIdentityGuard(identity);
    if (winner && winner.projectId === project.projectId) throw alreadyRegistered(raw, await getChargePoint(winner.chargePointId, true), winner.chargePointId);
    // Lost a race for the serial: report who has it now.
    throw new Conflict(serialInUseMessage(winner, project.operatorId), { field: 'serial_number' });
  }
  await publishRegistered(chargePoint, identity, input.protocol, input.registeredBy);
  const base = config().ocppPublicEndpoint;
  return {
    chargePoint,
    identity,
    provisioningPassword: password,
    ocppEndpoint: base,
    ocppUrl: `${base}/${encodeURIComponent(identity)}`,
    created: !registered,
    commissioningReset,
    replayed: false,
  };
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

/**
 * A planned charge point of the project for this serial, else one planned without a serial. With
 * `chargePointId`, exactly that one: it must still be without a serial.
 */
async function plannedSlotFor(projectId: string, identity: string, chargePointId?: string): Promise<ChargePoint | undefined> {
  if (chargePointId !== undefined) {
    const target = await getChargePoint(chargePointId, true);
    if (!target || target.projectId !== projectId) throw new NotFound(`Charge point ${chargePointId} not found`);
    if (target.identity) throw new Conflict(`Charge point ${chargePointId} already has the serial ${target.displaySerial ?? target.identity}`, { field: 'serial' });
    return target;
  }
  const unregistered = (await listChargePointsOfProject(projectId)).filter((c) => !c.identity);
  return unregistered.find((c) => c.plannedSerial === identity) ?? unregistered.find((c) => !c.plannedSerial);
}

/** A fresh provisioning password's stored form: its hash, and on request a sealed copy (see Credentials.sealedProvisioning). */
async function provisioningCredentials(password: string, keepSealedCopy: boolean): Promise<Credentials> {
  const sealed = keepSealedCopy ? await sealSecret(password, SEAL_PURPOSES.provisioningPassword) : undefined;
  return { current: await hashPassword(password), issuedAt: nowIso(), kind: 'provisioning', ...(sealed ? { sealedProvisioning: sealed } : {}) };
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
    // Closed to drivers until the job is completed or the operator activates it (domain/jobs.ts).
    active: false,
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

export interface ReidentifiedChargePoint {
  readonly chargePoint: ChargePoint;
  readonly identity: string;
  /** The new provisioning password (the old one belonged to the old identity's configuration). */
  readonly provisioningPassword: string;
}

/**
 * Gives a registered charge point another serial (the installer typed the wrong one, or the unit was
 * swapped): one transaction releases the old identity guard, takes the new one and rewrites the
 * charge point, so there is never a moment with both serials or neither, and a concurrent claim of
 * the new serial makes the whole change fail. A new provisioning password is issued and
 * commissioning starts again: everything learned (boot, rotation) was about the old identity.
 * Refused while the charger is connected: its socket is authenticated as the old identity.
 */
export async function reidentifyChargePoint(
  cp: ChargePoint,
  serial: string,
  opts: { readonly keepSealedCopy?: boolean; readonly registeredBy?: string; readonly alsoWrite?: readonly TransactItem[]; readonly connectorPosition?: string | null } = {},
): Promise<ReidentifiedChargePoint> {
  const raw = serial.trim();
  if (!isValidIdentity(raw)) throw new ValidationFailed('The serial number cannot be used as an OCPP identity', [{ field: 'serial', message: 'must be 1–48 characters of A–Z, a–z, 0–9 and * - _ = + | @ .' }]);
  const identity = canonicalIdentity(raw);
  const old = cp.identity;
  if (!old || !cp.protocol) throw new Conflict(`Charge point ${cp.chargePointId} has no serial yet; set one instead`, { field: 'serial' });
  if (cp.connection) {
    throw new Conflict(`The charger is connected as ${cp.displaySerial ?? old}; disconnect it (switch it off) before changing its serial`, { field: 'serial' });
  }
  const project = await getProject(cp.projectId);
  if (!project) throw new NotFound(`Project ${cp.projectId} not found`);
  if (project.status === 'handed_over') throw new Locked(`The project has been handed over and is locked: ${AFTER_HANDOVER}`);
  const team = await getTeam(project.operatorId, project.teamId);
  const password = generateProvisioningPassword();
  const credentials = await provisioningCredentials(password, opts.keepSealedCopy === true);
  const now = nowIso();
  const tableName = config().tableName;
  const position = positionChange(opts.connectorPosition);
  const base = withoutRegistrationFacts(cp);
  const chargePoint: ChargePoint = { ...position.apply(base), identity, displaySerial: raw, credentials, commissioning: { status: 'pending' }, updatedAt: now };
  const result = await transactWrite([
    { Delete: { TableName: tableName, Key: keys.identity(old), ConditionExpression: 'chargePointId = :cp', ExpressionAttributeValues: { ':cp': cp.chargePointId } } },
    { Put: { TableName: tableName, Item: { ...keys.identity(identity), type: ENTITY.identity, ...guardFor(chargePoint, team?.name ?? project.teamId) }, ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Update: {
        TableName: tableName,
        Key: keys.chargePoint(cp.chargePointId),
        UpdateExpression: `SET #identity = :i, displaySerial = :ds, credentials = :c, commissioning = :pending, updatedAt = :now${position.set} REMOVE boot, plannedSerial, lastConnectedAt, lastDisconnectedAt${position.remove}`,
        ConditionExpression: '#identity = :old AND attribute_not_exists(#conn)',
        ExpressionAttributeNames: { '#identity': 'identity', '#conn': 'connection' },
        ExpressionAttributeValues: { ':i': identity, ':ds': raw, ':c': credentials, ':pending': { status: 'pending' }, ':now': now, ':old': old, ...position.values },
      },
    },
    ...(opts.alsoWrite ?? []),
  ]);
  if (result.cancelled) {
    const holder = await getIdentityGuard(identity);
    if (holder && holder.chargePointId !== cp.chargePointId) throw new Conflict(serialInUseMessage(holder, project.operatorId), { field: 'serial' });
    throw new Conflict('The charge point changed meanwhile (it connected, or its serial was changed); reload and try again', { field: 'serial' });
  }
  await publishRegistered(cp, identity, cp.protocol, opts.registeredBy);
  return { chargePoint, identity, provisioningPassword: password };
}

function withoutRegistrationFacts(cp: ChargePoint): ChargePoint {
  const { boot: _boot, plannedSerial: _planned, lastConnectedAt: _connected, lastDisconnectedAt: _last, ...rest } = cp;
  return rest;
}

/**
 * Stores a serial on a charge point that has none yet without claiming it: the serial is held by
 * another team (or project), so it cannot be registered, and the job page shows the guide's
 * validation message `Serial is in use by: <Team>` until the installer fixes it. Conditional on the
 * charge point still having no identity (a registration in between wins).
 */
export async function planSerial(cp: ChargePoint, serial: string, opts: { readonly alsoWrite?: readonly TransactItem[]; readonly connectorPosition?: string | null } = {}): Promise<ChargePoint> {
  const raw = serial.trim();
  const identity = canonicalIdentity(raw);
  const now = nowIso();
  const position = positionChange(opts.connectorPosition);
  const result = await transactWrite([
    {
      Update: {
        TableName: config().tableName,
        Key: keys.chargePoint(cp.chargePointId),
        UpdateExpression: `SET plannedSerial = :p, displaySerial = :ds, updatedAt = :now${position.set}${position.remove ? ` REMOVE ${position.remove.slice(2)}` : ''}`,
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#identity)',
        ExpressionAttributeNames: { '#identity': 'identity' },
        ExpressionAttributeValues: { ':p': identity, ':ds': raw, ':now': now, ...position.values },
      },
    },
    ...(opts.alsoWrite ?? []),
  ]);
  if (result.cancelled) throw new Conflict('The charge point got a serial meanwhile; reload and try again', { field: 'serial' });
  return position.apply({ ...cp, plannedSerial: identity, displaySerial: raw, updatedAt: now });
}

/** A connector-position change as UpdateExpression parts: undefined leaves it, null removes it. */
function positionChange(value: string | null | undefined) {
  const apply = (cp: ChargePoint): ChargePoint => {
    if (value === undefined) return cp;
    const { connectorPosition: _old, ...rest } = cp;
    return value === null ? rest : { ...rest, connectorPosition: value };
  };
  if (value === undefined) return { set: '', remove: '', values: {}, apply };
  if (value === null) return { set: '', remove: ', connectorPosition', values: {}, apply };
  return { set: ', connectorPosition = :pos', remove: '', values: { ':pos': value }, apply };
}

/**
 * Releases the serial a charge point holds by mistake (a wrong claim, issue #12 finding 6): the
 * identity guard and the charge point's serial and password go in one transaction, with a log
 * entry, and the charge point is planned again without a serial, so the rightful holder can
 * register it. Only while no charger has ever connected as it: once one has, the serial is real
 * (it may be commissioned, handed over, carry transactions), and releasing it would let someone
 * else take over a working charger's identity; that answers 409 with the reason. The conditions
 * are part of the transaction, so a charger connecting meanwhile makes it fail rather than race.
 */
export async function releaseSerial(operatorId: string, chargePointId: string, releasedBy: string): Promise<void> {
  const cp = await getChargePoint(chargePointId, true);
  if (!cp || cp.operatorId !== operatorId) throw new NotFound(`Charge point ${chargePointId} not found`);
  if (!cp.identity) throw new Conflict('This charge point holds no serial', { field: 'charge_point_id', reason: 'no_serial' });
  const serial = cp.displaySerial ?? cp.identity;
  const connectedAt = cp.connection?.connectedAt ?? cp.lastConnectedAt ?? cp.lastDisconnectedAt ?? cp.boot?.at;
  if (connectedAt) {
    throw new Conflict(
      `A charger has connected as ${serial} (${connectedAt}), so the serial is in use and cannot be released. If the charger is now somewhere else, register it there with a new serial or re-provision it.`,
      { field: 'charge_point_id', reason: 'has_connected' },
    );
  }
  const at = nowIso();
  const tableName = config().tableName;
  const result = await transactWrite([
    {
      Delete: {
        TableName: tableName,
        Key: keys.identity(cp.identity),
        ConditionExpression: 'chargePointId = :cp',
        ExpressionAttributeValues: { ':cp': chargePointId },
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: keys.chargePoint(chargePointId),
        UpdateExpression: 'REMOVE #identity, credentials, displaySerial, plannedSerial SET updatedAt = :at, commissioning = :pending',
        ConditionExpression:
          '#identity = :identity AND attribute_not_exists(#conn) AND attribute_not_exists(lastConnectedAt) AND attribute_not_exists(lastDisconnectedAt) AND attribute_not_exists(boot)',
        ExpressionAttributeNames: { '#identity': 'identity', '#conn': 'connection' },
        ExpressionAttributeValues: { ':identity': cp.identity, ':at': at, ':pending': { status: 'pending' } },
      },
    },
    // In the serial's log: whoever registers it next sees that it was released, not by whom (no operator names).
    logPut({ identity: cp.identity, at, category: 'security', kind: 'serial_released', detail: { chargePointId, releasedBy } }),
  ]);
  if (result.cancelled) throw new Conflict(`The serial ${serial} changed meanwhile (a charger connected, or it was released already); read the charge point again`, { field: 'charge_point_id', reason: 'changed' });
  log.info('serial released', { chargePointId, identity: cp.identity, releasedBy });
}

/** `charge_point.registered`, after a registration or a re-identification has committed (a lost event is logged, not fatal). */
async function publishRegistered(cp: ChargePoint, identity: string, protocol: OcppVersion, registeredBy: string | undefined): Promise<void> {
  await publish([
    makeEvent('charge_point.registered', cp.operatorId, {
      charge_point_id: cp.chargePointId,
      charge_point_identity: identity,
      project_id: cp.projectId,
      ocpp_protocol: protocol,
      registered_by: registeredBy ?? 'system',
      new_password_issued: true,
    }),
  ]).catch((err: unknown) => log.error('publish charge_point.registered failed', { identity, err }));
}
