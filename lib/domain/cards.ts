// Charge cards of a location (issue #17 §2, docs/site-devices.md): id tokens of the location's
// operator owned by a driver of the location's team, so authorisation (domain/authorization.ts)
// accepts them on the team's chargers, refuses them elsewhere and refuses a blocked one, with no
// second rule here. Each change drops the token from the Authorize cache of this process and asks
// for the team's chargers' local lists to be synced (event `cards.changed`, domain/local-list.ts).
//
// Owners (decision): `team` (default) is the one team driver per team (`tdrv.{teamId}`), for cards
// of the household or the fleet; `{account_id}` a member of the team, as one driver per (team,
// account) (`tacc.{teamId}.{accountId}`: a driver belongs to one team, and a person may hold cards at
// two teams of an operator); `{name}` a person without an account (a new driver). Driver ids are
// deterministic for the first two, so adding a second card finds the same driver.
//
// The list shows the cards made through a location (they carry the team index, AP-91). Tokens the
// operator gives team drivers through its own API are authorised alike but managed there.
import { getAccount } from '../db/accounts';
import { cardIndex, deleteCard, getLearningWindow, listCardsOfTeam, updateCard } from '../db/cards';
import { getDriver, getIdToken, putDriver, putIdToken, type Driver, type IdTokenRecord, type IdTokenType } from '../db/drivers';
import { getTeamMember } from '../db/locations';
import type { Site } from '../db/projects';
import { makeEvent, publish } from '../events/publish';
import type { AccountPrincipal } from '../http/handler';
import { newId, nowIso } from '../ids';
import { log } from '../log';
import { canonicalIdToken, forgetIdToken, refuseReservedIdToken } from './authorization';
import { cardIdOf } from './card-capture';
import { Conflict, NotFound, ValidationFailed } from './errors';
import { locationAccess, requireOn } from './locations';

export type CardOwner = 'team' | { readonly account_id: string } | { readonly name: string };

export interface NewCard {
  readonly captured_id?: string;
  readonly id_token?: string;
  readonly type?: IdTokenType;
  readonly name: string;
  readonly owner?: CardOwner;
}


function canonicalOfCardId(cardId: string): string {
  const m = /^card_([A-Za-z0-9_-]{1,60})$/.exec(cardId);
  const value = m ? Buffer.from(m[1]!, 'base64url').toString('utf8') : '';
  if (!value || cardIdOf(value) !== cardId) throw new NotFound(`Card ${cardId} not found`);
  return value;
}


const teamDriverId = (teamId: string) => `tdrv.${teamId}`;
const memberDriverId = (teamId: string, accountId: string) => `tacc.${teamId}.${accountId}`;

export function cardView(t: IdTokenRecord, driver?: Driver) {
  return {
    card_id: cardIdOf(t.canonical),
    id_token: t.value,
    type: t.tokenType,
    name: t.name ?? t.value,
    status: t.status,
    expires_at: t.validUntil ?? null,
    owner: {
      kind: t.userId.startsWith('tdrv.') ? ('team' as const) : t.userId.startsWith('tacc.') ? ('account' as const) : ('person' as const),
      user_id: t.userId,
      name: driver?.name ?? null,
      account_id: t.userId.startsWith('tacc.') ? t.userId.split('.').slice(2).join('.') : null,
    },
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  };
}

async function cardsAccess(who: AccountPrincipal, locationId: string): Promise<Site> {
  const access = await locationAccess(who, locationId);
  requireOn(access, 'location:cards');
  return access.site;
}

/** Ask for the local lists of the team's chargers to follow (domain/local-list.ts, off the request path). */
export async function announceCardsChanged(site: Site, change: 'added' | 'changed' | 'removed', canonical: string): Promise<void> {
  await publish([makeEvent('cards.changed', site.operatorId, { team_id: site.teamId, location_id: site.siteId, card_id: cardIdOf(canonical), change })]).catch((err: unknown) =>
    // The card itself is saved and works online; the lists catch up at the next change or boot.
    log.error('publish cards.changed failed', { err }),
  );
}

export async function listLocationCards(who: AccountPrincipal, locationId: string) {
  const site = await cardsAccess(who, locationId);
  const cards = await listCardsOfTeam(site.operatorId, site.teamId);
  const userIds = [...new Set(cards.map((c) => c.userId))];
  const drivers = new Map((await Promise.all(userIds.map((u) => getDriver(site.operatorId, u)))).filter((d): d is Driver => !!d).map((d) => [d.userId, d]));
  return { cards: cards.map((c) => cardView(c, drivers.get(c.userId))) };
}

/** The driver that will own the card: made on first use (a conditional put; an existing one is kept). */
async function ownerDriver(site: Site, owner: CardOwner): Promise<Driver> {
  const at = nowIso();
  let driver: Driver;
  if (owner === 'team') {
    driver = { operatorId: site.operatorId, userId: teamDriverId(site.teamId), name: 'Team', teamId: site.teamId, createdAt: at, updatedAt: at };
  } else if ('account_id' in owner) {
    const [member, account] = await Promise.all([getTeamMember(site.teamId, owner.account_id), getAccount(owner.account_id)]);
    if (!member || !account) throw new ValidationFailed('The owner is not a member of this location’s team', [{ field: 'owner.account_id', message: 'not a member of the team' }]);
    driver = { operatorId: site.operatorId, userId: memberDriverId(site.teamId, owner.account_id), name: account.name, email: account.email, teamId: site.teamId, createdAt: at, updatedAt: at };
  } else {
    driver = { operatorId: site.operatorId, userId: newId('usr'), name: owner.name, teamId: site.teamId, createdAt: at, updatedAt: at };
  }
  if (!(await putDriver(driver))) return (await getDriver(site.operatorId, driver.userId, true)) ?? driver;
  return driver;
}

/** What a captured id names: a capture of a charger of this location, still readable. */
async function capturedToken(site: Site, capturedId: string): Promise<{ value: string; type?: string }> {
  const m = /^cap\.(.+)\.([A-Za-z0-9_-]+)$/.exec(capturedId);
  const notFound = () => new ValidationFailed('No such capture on a charger of this location (captures are kept an hour)', [{ field: 'captured_id', message: 'unknown capture' }]);
  if (!m) throw notFound();
  const canonical = Buffer.from(m[2]!, 'base64url').toString('utf8');
  const window = await getLearningWindow(m[1]!);
  const capture = window && window.siteId === site.siteId ? window.captures[canonical] : undefined;
  if (!capture) throw notFound();
  return { value: capture.idToken, ...(capture.tokenType ? { type: capture.tokenType } : {}) };
}

export async function addLocationCard(who: AccountPrincipal, locationId: string, body: NewCard) {
  const site = await cardsAccess(who, locationId);
  if (!body.captured_id === !body.id_token) {
    throw new ValidationFailed('Name the card by captured_id or by id_token (one of them)', [{ field: body.captured_id ? 'id_token' : 'captured_id', message: 'give exactly one of captured_id and id_token' }]);
  }
  if (body.id_token) refuseReservedIdToken(body.id_token);
  const token = body.captured_id ? await capturedToken(site, body.captured_id) : { value: body.id_token!, ...(body.type ? { type: body.type } : {}) };
  const canonical = canonicalIdToken(token.value);
  const driver = await ownerDriver(site, body.owner ?? 'team');
  const at = nowIso();
  const record: IdTokenRecord = {
    operatorId: site.operatorId,
    userId: driver.userId,
    value: token.value,
    canonical,
    // A capture of a 1.6 charger has no type: an RFID card (ISO14443) is what a reader sends.
    tokenType: (body.type ?? token.type ?? 'ISO14443') as IdTokenType,
    status: 'active',
    name: body.name,
    cardTeamId: site.teamId,
    createdAt: at,
    updatedAt: at,
  };
  const outcome = await putIdToken(record, cardIndex(record, site.teamId));
  if (outcome === 'taken') {
    const existing = await getIdToken(site.operatorId, canonical, true);
    if (existing?.cardTeamId === site.teamId) throw new Conflict(`This card is known here already as “${existing.name ?? existing.value}”`, { field: 'id_token', card_id: cardIdOf(canonical) });
    throw new Conflict('This card belongs to another driver of the operator', { field: 'id_token' });
  }
  if (outcome === 'no_driver') throw new NotFound('The owner was removed meanwhile; try again');
  // An Authorize may have cached it as unknown a moment ago.
  forgetIdToken(site.operatorId, canonical);
  await announceCardsChanged(site, 'added', canonical);
  return cardView(record, driver);
}

export async function changeLocationCard(who: AccountPrincipal, locationId: string, cardId: string, body: { name?: string; status?: 'active' | 'blocked' }) {
  const site = await cardsAccess(who, locationId);
  const canonical = canonicalOfCardId(cardId);
  const set: Record<string, unknown> = {};
  if (body.name !== undefined) set.name = body.name;
  if (body.status !== undefined) set.status = body.status;
  const card = await updateCard(site.operatorId, site.teamId, canonical, set, nowIso());
  if (!card) throw new NotFound(`Card ${cardId} not found`);
  // A block holds at once in this process; elsewhere within the cache TTL (authorization.ts).
  forgetIdToken(site.operatorId, canonical);
  if (body.status !== undefined) await announceCardsChanged(site, 'changed', canonical);
  return cardView(card, await getDriver(site.operatorId, card.userId));
}

export async function removeLocationCard(who: AccountPrincipal, locationId: string, cardId: string): Promise<void> {
  const site = await cardsAccess(who, locationId);
  const canonical = canonicalOfCardId(cardId);
  if (!(await deleteCard(site.operatorId, site.teamId, canonical))) throw new NotFound(`Card ${cardId} not found`);
  forgetIdToken(site.operatorId, canonical);
  await announceCardsChanged(site, 'removed', canonical);
}
