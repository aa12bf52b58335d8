// PowerBank (issue #19): enrolment records, operators' compatibility overrides and region-check
// reports. Keys in keys.ts; queries AP-120–AP-126 in ACCESS_PATTERNS.md.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import type { Zone } from '../domain/powerbank/zones';
import { ENTITY, keys } from './keys';
import { queryAll } from './query';

export const ENROLMENT_STATUSES = ['not_enrolled', 'enrolled', 'opted_out', 'suspended'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

export interface TermsAcceptance {
  readonly version: string;
  /** Who accepted: `account:{id}` or `operator:{id} (…)`. */
  readonly acceptedBy: string;
  readonly acceptedAt: string;
}

export interface Enrolment {
  readonly chargePointId: string;
  readonly operatorId: string;
  readonly teamId: string;
  readonly siteId: string;
  readonly status: EnrolmentStatus;
  /** The zone it was enrolled (or last evaluated) in. */
  readonly zone?: Zone;
  /** Swedish Facility ID (anläggnings-ID), a GSRN; kept whatever the status. */
  readonly facilityId?: string;
  /** The terms accepted with the latest sign-up (absent for an automatic DK2 enrolment). */
  readonly terms?: TermsAcceptance;
  readonly automatic?: boolean;
  readonly enrolledBy?: string;
  readonly enrolledAt?: string;
  readonly optedOutBy?: string;
  readonly optedOutAt?: string;
  readonly suspendedReason?: string;
  readonly suspendedAt?: string;
  /** Optimistic lock: every write is conditional on the version it read. */
  readonly version: number;
  readonly updatedAt: string;
}

/** AP-120: one charge point's enrolment record, strongly consistent (every change reads it first). */
export async function getEnrolment(chargePointId: string): Promise<Enrolment | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.powerbankEnrolment(chargePointId), ConsistentRead: true }));
  if (!out.Item) return undefined;
  // Without the key attributes: a record is rewritten from what was read, and a stale sparse zone key
  // (gsi2) must not survive a change out of `enrolled`.
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, type: _t, ...record } = out.Item;
  return record as Enrolment;
}

/**
 * AP-120: writes the record conditional on the version read (`expected`, or none), so two changes
 * never silently overwrite each other: an automatic enrolment that races an opt-out loses. The sparse
 * zone keys (AP-122) are written only while the status is `enrolled`. False when the condition failed.
 */
export async function putEnrolment(next: Omit<Enrolment, 'version'>, expected: Pick<Enrolment, 'version'> | undefined): Promise<boolean> {
  const version = (expected?.version ?? 0) + 1;
  const item = {
    ...keys.powerbankEnrolment(next.chargePointId),
    ...keys.powerbankEnrolmentOfOperator(next.operatorId, next.chargePointId),
    ...(next.status === 'enrolled' && next.zone ? keys.powerbankEnrolledInZone(next.zone, next.operatorId, next.chargePointId) : {}),
    type: ENTITY.powerbankEnrolment,
    ...next,
    version,
  };
  try {
    await documentClient().send(
      new PutCommand({
        TableName: config().tableName,
        Item: item,
        ...(expected ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expected.version } } : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/** AP-121: every enrolment record of an operator (eventually consistent: for listings, not decisions). */
export async function listEnrolmentsOfOperator(operatorId: string): Promise<Enrolment[]> {
  return queryAll<Enrolment>({ TableName: config().tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.powerbankEnrolmentsOfOperator(operatorId).gsi1pk } });
}

/** AP-122: the operator's charge points enrolled (not opted out, not suspended) in a zone: what an activation reaches. */
export async function listEnrolledInZone(zone: Zone, operatorId: string): Promise<Enrolment[]> {
  const k = keys.powerbankEnrolledInZoneOf(zone, operatorId);
  return queryAll<Enrolment>({
    TableName: config().tableName,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :p)',
    ExpressionAttributeValues: { ':pk': k.gsi2pk, ':p': k.gsi2skPrefix },
  });
}

export interface ModelOverride {
  readonly operatorId: string;
  readonly vendor: string;
  readonly model: string;
  readonly compatible: boolean;
  readonly updatedBy: string;
  readonly updatedAt: string;
}

/** AP-123: put one override, keyed by the normalised vendor and model (a second put replaces it). */
export async function putModelOverride(o: ModelOverride, normalisedVendor: string, normalisedModel: string): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: config().tableName, Item: { ...keys.powerbankOverride(o.operatorId, normalisedVendor, normalisedModel), type: ENTITY.powerbankOverride, ...o } }));
}

/** AP-123: an operator's overrides. */
export async function listModelOverrides(operatorId: string): Promise<ModelOverride[]> {
  const k = keys.powerbankOverridesOf(operatorId);
  return queryAll<ModelOverride>({ TableName: config().tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix } });
}

export interface RegionCheckChange {
  readonly chargePointId: string;
  readonly siteId: string;
  readonly from: EnrolmentStatus;
  readonly to: EnrolmentStatus;
  readonly zone?: Zone;
  readonly reason: string;
}

export interface RegionCheckReport {
  readonly operatorId: string;
  readonly runId: string;
  readonly at: string;
  /** `schedule`, `location_changed`, `charger_changed`. */
  readonly trigger: string;
  readonly checked: number;
  readonly changes: readonly RegionCheckChange[];
}

const REPORT_TTL_DAYS = 90;

/** AP-124: one report per run per operator. */
export async function putRegionCheckReport(r: RegionCheckReport): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: config().tableName,
      Item: { ...keys.powerbankCheck(r.operatorId, r.at, r.runId), type: ENTITY.powerbankCheck, ...r, expiresAt: Math.floor(Date.parse(r.at) / 1000) + REPORT_TTL_DAYS * 86_400 },
    }),
  );
}

/** AP-124: an operator's reports, newest first (expired ones filtered: DynamoDB deletes TTL items late, DynamoDB Local never). */
export async function listRegionCheckReports(operatorId: string, limit: number): Promise<RegionCheckReport[]> {
  const now = Math.floor(Date.now() / 1000);
  const out = await documentClient().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.powerbankChecksOf(operatorId).pk },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return ((out.Items ?? []) as Array<RegionCheckReport & { expiresAt?: number }>).filter((r) => !r.expiresAt || r.expiresAt > now);
}
