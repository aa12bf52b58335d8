// Keeping a charger's local authorisation list in step with the location's cards (issue #17 §2;
// DOMAIN.md §4; OCPP 1.6 §3.5 / §5.9 / §5.16, 2.0.1 D01 / D02 and LocalAuthListCtrlr). Runs off the
// request path: a card change publishes `cards.changed`, whose rule (functions/events/local-list-sync.ts)
// syncs each charger of the team. A sync that could not reach a charger flags it (`localListPending`
// on the charge point item); its next Accepted boot asks for a sync (decision: the boot handler reads
// that item anyway, so other boots cost nothing; a charger added to a team with cards gets its list
// at the next card change, and one that lost its list shows a version mismatch then and gets Full).
//
// One sync, per charger (under a lock, so versions go up one by one):
// 1. Support and limits. 1.6: GetLocalListVersion (−1: not supported, §5.9), GetConfiguration
//    LocalAuthListEnabled / LocalAuthListMaxLength / SendLocalListMaxLength. 2.0.1: GetVariables
//    LocalAuthListCtrlr Available / Enabled / ItemsPerMessage, GetLocalListVersion; the maximum
//    entries are `Entries`' maxLimit, a characteristic only a device model report carries (AP-35).
//    Unsupported or disabled → served online only (authorisation.ts), nothing sent.
// 2. The list: the team's active, unexpired cards, oldest first, cut at the maximum entries (the rest
//    are named `not_fitted`: online only). Blocked and removed cards are left out.
// 3. The charger's version differs from ours (or we never sent one): Full with the first chunk of
//    ItemsPerMessage / SendLocalListMaxLength entries, then Differentials for the rest. Same version:
//    a Differential of what changed (an entry without idTagInfo / idTokenInfo deletes, §5.16 / D02).
//    Each message takes the next version. A VersionMismatch answer to a Differential falls back to Full once.
import { randomUUID } from 'node:crypto';
import { getChargePoint, listChargePointsOfProject, type ChargePoint } from '../db/charge-points';
import { claimLocalListSync, getLocalListState, localListSyncing, setLocalListPending, listCardsOfTeam, releaseLocalListSync, saveLocalListState, type LocalListEntry, type LocalListState } from '../db/cards';
import { listDeviceModelReports } from '../db/device-model';
import type { IdTokenRecord } from '../db/drivers';
import { listProjectsOfSite, listSites } from '../db/projects';
import { nowIso } from '../ids';
import { log } from '../log';
import { callChargePoint, type CommandRecord } from '../ocpp/commands';
import type { JsonObject } from '../ocpp/codec';
import type { AccountPrincipal } from '../http/handler';
import { cardIdOf } from './card-capture';
import { Conflict, ValidationFailed } from './errors';
import { locationChargePoint } from './locations';

/**
 * How long a sync holds its charger's lock: past the events functions' 1-minute timeout
 * (infra/stacks/events-stack.ts), so a holder that timed out frees the charger soon after.
 */
const LOCK_SECONDS = 75;
/** Per command: a few commands must fit the 1-minute function; a charger answers in well under a second. */
const COMMAND_TIMEOUT_MS = 10_000;

const opts = { requestedBy: 'local-list', timeoutMs: COMMAND_TIMEOUT_MS };

interface Support {
  readonly supported: boolean;
  readonly reason?: string;
  readonly chargerVersion?: number;
  readonly maxEntries?: number;
  readonly itemsPerMessage?: number;
}

class CommandFailed extends Error {}
/** A CALLERROR NotImplemented / NotSupported: the charger has no Local Auth List Management (1.6 §3.5 profile). */
class NotOffered extends CommandFailed {}

/** A command's answer; anything but an answer (not connected, busy, no answer, CALLERROR) is a CommandFailed. */
async function command(identity: string, action: string, payload: JsonObject): Promise<JsonObject> {
  const r = await callChargePoint(identity, action, payload, opts).catch((err: unknown) => {
    // Busy (another command holds the charger's slot) or a payload its schema refuses: recorded as the last error.
    if (err instanceof Conflict || err instanceof ValidationFailed) throw new CommandFailed(err.message);
    throw err;
  });
  return answered(r, action);
}

function answered(r: CommandRecord, action: string): JsonObject {
  if (r.status === 'not_connected') throw new CommandFailed('the charger is not connected');
  if (r.status === 'timed_out') throw new CommandFailed(`${action}: no answer in time`);
  if (r.status === 'error' && ['NotImplemented', 'NotSupported'].includes(r.error?.code ?? '')) throw new NotOffered(`${action} answered ${r.error!.code}: no local authorisation list`);
  if (r.status === 'error') throw new CommandFailed(`${action}: ${r.error?.code ?? 'error'} ${r.error?.description ?? ''}`.trim());
  return r.response ?? {};
}

const positiveInt = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

async function detect16(identity: string): Promise<Support> {
  const version = await command(identity, 'GetLocalListVersion', {});
  const listVersion = Number(version.listVersion);
  if (listVersion === -1) return { supported: false, reason: 'GetLocalListVersion answered -1: no local authorisation list' };
  const conf = await command(identity, 'GetConfiguration', { key: ['LocalAuthListEnabled', 'LocalAuthListMaxLength', 'SendLocalListMaxLength'] });
  const keys = new Map(((conf.configurationKey ?? []) as Array<{ key: string; value?: string }>).map((k) => [k.key, k.value]));
  if (String(keys.get('LocalAuthListEnabled') ?? '').trim().toLowerCase() === 'false') return { supported: false, reason: 'LocalAuthListEnabled is false' };
  const maxEntries = positiveInt(keys.get('LocalAuthListMaxLength'));
  const itemsPerMessage = positiveInt(keys.get('SendLocalListMaxLength'));
  return { supported: true, chargerVersion: listVersion, ...(maxEntries ? { maxEntries } : {}), ...(itemsPerMessage ? { itemsPerMessage } : {}) };
}

/** `Entries`' maxLimit from the newest device model report that names it (2.0.1 Part 2 §3.1.10). */
async function entriesMaxLimit(identity: string): Promise<number | undefined> {
  for (const report of await listDeviceModelReports(identity)) {
    for (const d of report.reportData as Array<{ component?: { name?: string }; variable?: { name?: string }; variableCharacteristics?: { maxLimit?: number } }>) {
      if (d.component?.name === 'LocalAuthListCtrlr' && d.variable?.name === 'Entries') {
        const n = positiveInt(d.variableCharacteristics?.maxLimit);
        if (n) return n;
      }
    }
  }
  return undefined;
}

async function detect201(identity: string): Promise<Support> {
  const names = ['Available', 'Enabled', 'ItemsPerMessage'] as const;
  const got = await command(identity, 'GetVariables', { getVariableData: names.map((name) => ({ component: { name: 'LocalAuthListCtrlr' }, variable: { name } })) });
  const values = new Map(
    ((got.getVariableResult ?? []) as Array<{ attributeStatus: string; attributeValue?: string; variable: { name: string } }>)
      .filter((r) => r.attributeStatus === 'Accepted')
      .map((r) => [r.variable.name, r.attributeValue]),
  );
  if (String(values.get('Available') ?? '').toLowerCase() !== 'true') return { supported: false, reason: 'LocalAuthListCtrlr is not Available' };
  if (String(values.get('Enabled') ?? '').toLowerCase() === 'false') return { supported: false, reason: 'LocalAuthListCtrlr.Enabled is false' };
  const version = await command(identity, 'GetLocalListVersion', {});
  const itemsPerMessage = positiveInt(values.get('ItemsPerMessage'));
  const maxEntries = await entriesMaxLimit(identity);
  return { supported: true, chargerVersion: Number(version.versionNumber), ...(maxEntries ? { maxEntries } : {}), ...(itemsPerMessage ? { itemsPerMessage } : {}) };
}

const entryOf = (c: IdTokenRecord): LocalListEntry => ({ idToken: c.value, tokenType: c.tokenType, ...(c.validUntil ? { validUntil: c.validUntil } : {}) });
const sameEntry = (a: LocalListEntry | undefined, b: LocalListEntry) => !!a && a.idToken === b.idToken && a.tokenType === b.tokenType && a.validUntil === b.validUntil;

/** One list item as each version writes it; without `entry` it deletes (§5.16, D02). */
function listItem(cp: ChargePoint, canonical: string, entry: LocalListEntry | undefined, held: LocalListEntry | undefined): JsonObject {
  const value = entry?.idToken ?? held?.idToken ?? canonical;
  if (cp.protocol === 'ocpp1.6') {
    return { idTag: value, ...(entry ? { idTagInfo: { status: 'Accepted', ...(entry.validUntil ? { expiryDate: entry.validUntil } : {}) } } : {}) };
  }
  return {
    idToken: { idToken: value, type: entry?.tokenType ?? held?.tokenType ?? 'ISO14443' },
    ...(entry ? { idTokenInfo: { status: 'Accepted', ...(entry.validUntil ? { cacheExpiryDateTime: entry.validUntil } : {}) } } : {}),
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function send(cp: ChargePoint, version: number, updateType: 'Full' | 'Differential', items: readonly JsonObject[]): Promise<string> {
  const payload: JsonObject =
    cp.protocol === 'ocpp1.6'
      ? { listVersion: version, updateType, ...(items.length ? { localAuthorizationList: [...items] } : {}) }
      : { versionNumber: version, updateType, ...(items.length ? { localAuthorizationList: [...items] } : {}) };
  const r = await command(cp.identity!, 'SendLocalList', payload);
  return String(r.status);
}

/** One pass; returns the state to save. */
async function syncOnce(cp: ChargePoint, prev: LocalListState | undefined): Promise<LocalListState> {
  const at = nowIso();
  const base: LocalListState = prev ?? { chargePointId: cp.chargePointId, supported: null, version: 0, entries: {}, inSync: false, updatedAt: at };
  let state: LocalListState = { ...base, updatedAt: at };
  try {
    const support = cp.protocol === 'ocpp1.6' ? await detect16(cp.identity!) : await detect201(cp.identity!);
    if (!support.supported) {
      return { ...state, supported: false, unsupportedReason: support.reason!, inSync: true, lastError: null, syncedAt: at, entries: {}, notFitted: [] };
    }
    state = { ...state, supported: true, ...(support.maxEntries ? { maxEntries: support.maxEntries } : {}), ...(support.itemsPerMessage ? { itemsPerMessage: support.itemsPerMessage } : {}) };
    const now = Date.now();
    // A 1.6 idTag is a CiString20 (§7.28): a longer (2.0.1) token can never be presented there, so it is left out.
    const cards = (await listCardsOfTeam(cp.operatorId, cp.teamId)).filter(
      (c) => c.status === 'active' && !(c.validUntil && Date.parse(c.validUntil) <= now) && (cp.protocol !== 'ocpp1.6' || c.value.length <= 20),
    );
    const fitting = support.maxEntries !== undefined ? cards.slice(0, support.maxEntries) : cards;
    const notFitted = cards.slice(fitting.length).map((c) => c.canonical);
    const wanted = new Map(fitting.map((c) => [c.canonical, entryOf(c)]));
    const perMessage = support.itemsPerMessage ?? Math.max(1, wanted.size);

    let full = prev?.supported !== true || support.chargerVersion !== prev.version;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      let version = full ? Math.max(support.chargerVersion ?? 0, state.version) : state.version;
      let held: Record<string, LocalListEntry> = full ? {} : { ...state.entries };
      const changes: Array<[string, LocalListEntry | undefined]> = full
        ? [...wanted]
        : [...[...wanted].filter(([k, e]) => !sameEntry(held[k], e)), ...Object.keys(held).filter((k) => !wanted.has(k)).map((k): [string, undefined] => [k, undefined])];
      const groups = chunks(changes, perMessage);
      if (full && groups.length === 0) groups.push([]);
      let status = 'Accepted';
      for (const [i, group] of groups.entries()) {
        version += 1;
        const updateType = full && i === 0 ? 'Full' : 'Differential';
        status = await send(cp, version, updateType, group.map(([k, e]) => listItem(cp, k, e, held[k])));
        if (status !== 'Accepted') break;
        // What the charger holds now: a Full replaces, a Differential adds, changes and deletes.
        if (updateType === 'Full') held = {};
        for (const [k, e] of group) {
          if (e) held[k] = e;
          else delete held[k];
        }
        state = { ...state, version, entries: { ...held } };
      }
      if (status === 'Accepted') return { ...state, inSync: true, lastError: null, syncedAt: nowIso(), notFitted };
      if (status === 'VersionMismatch' && !full) {
        full = true;
        continue;
      }
      return { ...state, inSync: false, lastError: `SendLocalList answered ${status}`, notFitted };
    }
    return { ...state, inSync: false, lastError: 'SendLocalList answered VersionMismatch to a Full list', notFitted };
  } catch (err) {
    if (err instanceof NotOffered) return { ...state, supported: false, unsupportedReason: err.message, inSync: true, lastError: null, syncedAt: nowIso(), entries: {}, notFitted: [] };
    if (!(err instanceof CommandFailed)) throw err;
    return { ...state, inSync: false, lastError: err.message };
  }
}

/**
 * Syncs one charger's list. A sync already running for it is told to run once more (`dirty`) and
 * this call returns at once, so every change is sent in order by one holder.
 */
export async function syncChargePointList(chargePointId: string): Promise<void> {
  const lockId = randomUUID();
  if (!(await claimLocalListSync(chargePointId, lockId, Math.floor(Date.now() / 1000), LOCK_SECONDS))) return;
  try {
    for (let again = true; again; ) {
      const cp = await getChargePoint(chargePointId, true);
      if (!cp?.identity || !cp.protocol) break;
      const state = await syncOnce(cp, await getLocalListState(chargePointId));
      await saveLocalListState(state);
      // Behind (the charger was offline, or failed): its next Accepted boot asks again (ocpp/actions/boot.ts).
      const pending = !state.inSync && state.supported !== false;
      if (pending !== (cp.localListPending === true)) await setLocalListPending(chargePointId, pending);
      again = await releaseLocalListSync(chargePointId, lockId);
      if (again && !(await claimLocalListSync(chargePointId, lockId, Math.floor(Date.now() / 1000), LOCK_SECONDS))) return;
    }
  } finally {
    await releaseLocalListSync(chargePointId, lockId).catch((err: unknown) => log.warn('releasing the local list lock failed', { err }));
  }
}

/** The chargers whose lists hold a team's cards: every charger of the team's sites (AP-04, AP-78, AP-07). */
export async function chargePointsOfTeam(operatorId: string, teamId: string): Promise<ChargePoint[]> {
  const sites = (await listSites(operatorId)).filter((s) => s.teamId === teamId);
  const projects = (await Promise.all(sites.map((s) => listProjectsOfSite(s.siteId)))).flat();
  return (await Promise.all(projects.map((p) => listChargePointsOfProject(p.projectId)))).flat().filter((cp) => cp.identity && cp.protocol);
}

/** The target of `cards.changed`: every charger of the team, each on its own (one failing does not stop the others). */
export async function syncTeamLists(operatorId: string, teamId: string): Promise<void> {
  const cps = await chargePointsOfTeam(operatorId, teamId);
  const results = await Promise.allSettled(cps.map((cp) => syncChargePointList(cp.chargePointId)));
  for (const r of results) if (r.status === 'rejected') log.error('local list sync failed', { err: r.reason });
}

export async function localListStatus(who: AccountPrincipal, locationId: string, chargePointId: string) {
  await locationChargePoint(who, locationId, chargePointId, 'location:cards');
  const s = await getLocalListState(chargePointId);
  return {
    charge_point_id: chargePointId,
    supported: s?.supported ?? null,
    unsupported_reason: s?.unsupportedReason ?? null,
    version: s?.version ?? null,
    entries: s ? Object.keys(s.entries).length : 0,
    max_entries: s?.maxEntries ?? null,
    items_per_message: s?.itemsPerMessage ?? null,
    in_sync: s?.inSync ?? false,
    syncing: s?.syncing ?? (await localListSyncing(chargePointId)),
    last_error: s?.lastError ?? null,
    synced_at: s?.syncedAt ?? null,
    not_fitted: (s?.notFitted ?? []).map(cardIdOf),
  };
}
