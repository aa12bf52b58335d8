// Power management in the table (issue #18, docs/power.md): a location's settings, per-charger
// settings and what was applied, its meters and the planner's memory, all under `SITE#{siteId}` with
// sort keys starting `POWER` (one Query reads them: AP-110); the allocation history in its own
// partition (AP-116). Access patterns AP-110–AP-119 in ACCESS_PATTERNS.md.
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import type { BudgetSource, LimitReason, PeakBlock, Phase, RampState, SiteSettings } from '../domain/power/allocator';
import { ENTITY, keys } from './keys';
import { queryAll } from './query';

export const ALLOCATION_HISTORY_DAYS = 30;

export interface PowerSettingsItem {
  readonly siteId: string;
  readonly operatorId: string;
  readonly settings: SiteSettings;
  readonly version: number;
  readonly updatedAt: string;
}

/** The profile last accepted by a charger. */
export interface AppliedProfile {
  readonly limitA: number;
  readonly unit: 'A' | 'W';
  /** The limit as sent, in `unit`. */
  readonly value: number;
  readonly profileId: number;
  readonly stackLevel: number;
  readonly sentAt: string;
  readonly planVersion: number;
  /** GetCompositeSchedule's first limit, in `unit`, when the charger answered it. */
  readonly verifiedLimit?: number;
  /**
   * The limit it had accepted before this one (and when it was sent), or 'none' when this is the
   * first: the planner's history of the charger's limits (allocator.ts `limitHistory`). Absent on
   * items written before it was kept: unknown.
   */
  readonly previous?: { readonly limitA: number; readonly sentAt: string } | 'none';
}

/** What the charger's configuration says about profiles (read once: 1.6 GetConfiguration, 2.0.1 GetVariables). */
export interface ProfileCapabilities {
  readonly maxStackLevel: number;
  readonly units: ReadonlyArray<'A' | 'W'>;
  readonly maxPeriods?: number;
  readonly readAt: string;
}

export interface PowerChargerItem {
  readonly siteId: string;
  readonly chargePointId: string;
  readonly maxA?: number;
  readonly phases?: 1 | 3;
  readonly phase?: Phase;
  readonly priority?: number;
  readonly applied?: AppliedProfile;
  /** It refused a profile: counted at its full rating from then on (cleared when its settings are saved again). */
  readonly refusesProfiles?: { readonly at: string; readonly reason: string };
  readonly capabilities?: ProfileCapabilities;
}

export type MeterMeasures = 'grid' | 'solar';

export interface MeterReadingRecord {
  /** Epoch ms of the reading (the meter's clock). */
  readonly at: number;
  /** Per site phase, A; positive import, negative export. */
  readonly currentA: readonly number[];
  /** When it was given as power: W, positive import. */
  readonly powerW?: number;
  readonly receivedAt: string;
}

export interface PowerMeterItem {
  readonly siteId: string;
  readonly operatorId: string;
  readonly meterId: string;
  readonly name: string;
  readonly measures: MeterMeasures;
  /** SHA-256 (base64url) of the meter's secret; the secret itself is shown once. */
  readonly secretHash: string;
  readonly createdAt: string;
  readonly last?: MeterReadingRecord;
  /** Energy imported in the current quarter-hour block (peak shaving), integrated from readings. */
  readonly peak?: PeakBlock;
}

export interface StoredLimit {
  readonly chargerId: string;
  readonly limitA: number;
  readonly reason: LimitReason;
}

export interface StoredAllocation {
  readonly at: number;
  readonly planId: string;
  readonly trigger: string;
  readonly source: BudgetSource;
  readonly perPhaseA: readonly number[];
  readonly totalA?: number;
  readonly limits: readonly StoredLimit[];
  /** Chargers a profile went to in this plan. */
  readonly sent: readonly string[];
}

/**
 * What the chargers imported in a quarter-hour block, estimated from their allocated limits (an upper
 * bound of their draw), and what they may draw from `at` on.
 */
export interface ChargersPeak extends PeakBlock {
  readonly at: number;
  readonly drawW: number;
}

export interface PowerStateItem {
  readonly siteId: string;
  readonly planVersion: number;
  readonly ramp: Readonly<Record<string, RampState>>;
  readonly lastAllocation?: StoredAllocation;
  /** Profiles sent by recent plans and maybe not answered yet, by charger: not sent again meanwhile. */
  readonly sending?: Readonly<Record<string, { readonly limitA: number; readonly at: number }>>;
  /** When the plan began reading the table (epoch ms): a replan that lost the race to it and started earlier has nothing left to do. */
  readonly readAt?: number;
  /** The chargers' own import in the current quarter-hour block, for peak shaving with a meter that does not see them (planner.ts). */
  readonly chargersPeak?: ChargersPeak;
  readonly updatedAt: string;
}

export interface PowerState {
  readonly settings?: PowerSettingsItem;
  readonly chargers: ReadonlyMap<string, PowerChargerItem>;
  readonly meters: readonly PowerMeterItem[];
  readonly state?: PowerStateItem;
}

const table = () => config().tableName;

/** AP-110: a location's whole power state, one strongly consistent Query. */
export async function readPowerState(siteId: string): Promise<PowerState> {
  const k = keys.powerOfLocation(siteId);
  const items = await queryAll<Record<string, unknown>>({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix },
    ConsistentRead: true,
  });
  let settings: PowerSettingsItem | undefined;
  let state: PowerStateItem | undefined;
  const chargers = new Map<string, PowerChargerItem>();
  const meters: PowerMeterItem[] = [];
  for (const item of items) {
    if (item.type === ENTITY.powerSettings) settings = item as unknown as PowerSettingsItem;
    else if (item.type === ENTITY.powerState) state = item as unknown as PowerStateItem;
    else if (item.type === ENTITY.powerCharger) chargers.set(String(item.chargePointId), item as unknown as PowerChargerItem);
    else if (item.type === ENTITY.powerMeter) meters.push(item as unknown as PowerMeterItem);
  }
  return { ...(settings ? { settings } : {}), ...(state ? { state } : {}), chargers, meters };
}

/** AP-111: the settings (and the sparse index entry the minute's replan reads, AP-117). */
export async function putPowerSettings(item: PowerSettingsItem): Promise<void> {
  await documentClient().send(
    new PutCommand({ TableName: table(), Item: { ...keys.powerSettings(item.siteId), ...keys.powerSiteInList(item.siteId), type: ENTITY.powerSettings, ...item } }),
  );
}

/** AP-112: a charger's settings; saving them again clears a refusal flag (the installer fixed the charger). */
export async function putChargerSettings(siteId: string, chargePointId: string, s: { maxA: number; phases: 1 | 3; phase?: Phase; priority?: number }): Promise<void> {
  const remove = [...(s.phase === undefined ? ['phase'] : []), ...(s.priority === undefined ? ['priority'] : []), 'refusesProfiles'];
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.powerCharger(siteId, chargePointId),
      UpdateExpression: `SET #t = :t, siteId = :site, chargePointId = :cp, maxA = :max, phases = :ph${s.phase !== undefined ? ', phase = :phase' : ''}${s.priority !== undefined ? ', priority = :prio' : ''} REMOVE ${remove.join(', ')}`,
      ExpressionAttributeNames: { '#t': 'type' },
      ExpressionAttributeValues: {
        ':t': ENTITY.powerCharger,
        ':site': siteId,
        ':cp': chargePointId,
        ':max': s.maxA,
        ':ph': s.phases,
        ...(s.phase !== undefined ? { ':phase': s.phase } : {}),
        ...(s.priority !== undefined ? { ':prio': s.priority } : {}),
      },
    }),
  );
}

/** AP-112: what the planner learnt about a charger (applied profile, refusal, capabilities). */
export async function recordChargerFacts(
  siteId: string,
  chargePointId: string,
  facts: { applied?: AppliedProfile; refusesProfiles?: PowerChargerItem['refusesProfiles']; capabilities?: ProfileCapabilities },
): Promise<void> {
  const entries = Object.entries(facts).filter(([, v]) => v !== undefined);
  if (!entries.length) return;
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.powerCharger(siteId, chargePointId),
      UpdateExpression: `SET #t = :t, siteId = :site, chargePointId = :cp, ${entries.map(([k]) => `#${k} = :${k}`).join(', ')}`,
      ExpressionAttributeNames: { '#t': 'type', ...Object.fromEntries(entries.map(([k]) => [`#${k}`, k])) },
      ExpressionAttributeValues: { ':t': ENTITY.powerCharger, ':site': siteId, ':cp': chargePointId, ...Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])) },
    }),
  );
}

/** AP-113: a new meter (its id is random: the put is conditional only against a collision). */
export async function putMeter(item: PowerMeterItem): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.powerMeter(item.siteId, item.meterId), ...keys.powerMeterById(item.meterId), type: ENTITY.powerMeter, ...item },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** AP-113: delete a meter of the location; false when there is none. */
export async function deleteMeter(siteId: string, meterId: string): Promise<boolean> {
  try {
    await documentClient().send(new DeleteCommand({ TableName: table(), Key: keys.powerMeter(siteId, meterId), ConditionExpression: 'attribute_exists(pk)' }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/** AP-114: a meter by its id (gsi1 finds its location), then its item strongly consistent. */
export async function getMeterById(meterId: string): Promise<PowerMeterItem | undefined> {
  const out = await documentClient().send(
    new QueryCommand({ TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :k AND gsi1sk = :s', ExpressionAttributeValues: { ':k': keys.powerMeterById(meterId).gsi1pk, ':s': 'METER' }, Limit: 1 }),
  );
  const found = out.Items?.[0] as PowerMeterItem | undefined;
  if (!found) return undefined;
  const item = await documentClient().send(new GetCommand({ TableName: table(), Key: keys.powerMeter(found.siteId, meterId), ConsistentRead: true }));
  return item.Item as PowerMeterItem | undefined;
}

/**
 * AP-114: an accepted reading, conditional on being no older than the last one stored, so two
 * readings racing cannot leave the older one as `last`. False when a newer one won.
 */
export async function recordReading(siteId: string, meterId: string, last: MeterReadingRecord, peak: PeakBlock | undefined): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.powerMeter(siteId, meterId),
        UpdateExpression: `SET #last = :last${peak ? ', peak = :peak' : ''}`,
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#last) OR #last.#at <= :at)',
        ExpressionAttributeNames: { '#last': 'last', '#at': 'at' },
        ExpressionAttributeValues: { ':last': last, ':at': last.at, ...(peak ? { ':peak': peak } : {}) },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/**
 * AP-115: the planner's memory, written only if no other replan wrote it since this one read it
 * (`planVersion` as read, or absent for the first plan): two replans never both apply.
 */
export async function writePlanState(next: PowerStateItem, readVersion: number | undefined): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: table(),
        Item: { ...keys.powerState(next.siteId), type: ENTITY.powerState, ...next },
        ConditionExpression: readVersion === undefined ? 'attribute_not_exists(pk)' : 'planVersion = :v',
        ...(readVersion === undefined ? {} : { ExpressionAttributeValues: { ':v': readVersion } }),
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/** AP-116: one allocation in the history (TTL 30 days). */
export async function putAllocationLog(siteId: string, a: StoredAllocation): Promise<void> {
  const at = new Date(a.at).toISOString();
  await documentClient().send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.powerAllocation(siteId, at, a.planId), type: ENTITY.powerAllocation, siteId, ...a, expiresAt: Math.floor(a.at / 1000) + ALLOCATION_HISTORY_DAYS * 86_400 },
    }),
  );
}

/** AP-116: the newest allocations (expired ones filtered: DynamoDB Local never deletes them). */
export async function listAllocationLog(siteId: string, limit: number): Promise<StoredAllocation[]> {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': keys.powerAllocationsOf(siteId).pk, ':now': Math.floor(Date.now() / 1000) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []) as StoredAllocation[];
}

/** AP-117: every location with power settings (the sparse gsi1 list), for the minute's replan. */
export async function listPowerSites(): Promise<string[]> {
  const items = await queryAll<{ gsi1sk: string }>({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :k',
    ExpressionAttributeValues: { ':k': keys.powerSiteList().gsi1pk },
    ProjectionExpression: 'gsi1sk',
  });
  return items.map((i) => i.gsi1sk);
}

