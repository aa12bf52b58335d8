// Operator use cases on drivers (users who charge) and their id tokens (issue #15). Writes drop
// what the Authorize cache holds of them in this process (domain/authorization.ts states the
// staleness bound elsewhere).
import {
  getDriver,
  listDrivers,
  listIdTokensOfDriver,
  putDriver,
  putIdToken,
  updateDriver,
  updateIdToken,
  type Driver,
  type IdTokenRecord,
  type IdTokenStatus,
  type IdTokenType,
} from '../db/drivers';
import { getTeam } from '../db/projects';
import { newId, nowIso } from '../ids';
import { canonicalIdToken, forgetDriver, forgetIdToken, refuseReservedIdToken } from './authorization';
import { Conflict, NotFound, ValidationFailed } from './errors';

export const driverView = (d: Driver) => ({
  user_id: d.userId,
  name: d.name,
  email: d.email ?? null,
  team_id: d.teamId ?? null,
  created_at: d.createdAt,
  updated_at: d.updatedAt,
});

export const idTokenView = (t: IdTokenRecord) => ({
  id_token: t.value,
  user_id: t.userId,
  type: t.tokenType,
  status: t.status,
  expires_at: t.validUntil ?? null,
  created_at: t.createdAt,
  updated_at: t.updatedAt,
});

async function requireTeam(operatorId: string, teamId: string): Promise<void> {
  if (!(await getTeam(operatorId, teamId))) throw new ValidationFailed('Unknown team', [{ field: 'team_id', message: 'no such team for this operator' }]);
}

async function ownedDriver(operatorId: string, userId: string): Promise<Driver> {
  const driver = await getDriver(operatorId, userId, true);
  if (!driver) throw new NotFound(`Driver ${userId} not found`);
  return driver;
}

export async function addDriver(operatorId: string, body: { user_id?: string; name: string; email?: string; team_id?: string }) {
  if (body.team_id) await requireTeam(operatorId, body.team_id);
  const at = nowIso();
  const driver: Driver = {
    operatorId,
    userId: body.user_id ?? newId('usr'),
    name: body.name,
    ...(body.email ? { email: body.email.toLowerCase() } : {}),
    ...(body.team_id ? { teamId: body.team_id } : {}),
    createdAt: at,
    updatedAt: at,
  };
  if (!(await putDriver(driver))) throw new Conflict(`A driver with user id ${driver.userId} exists already`, { field: 'user_id' });
  return driverView(driver);
}

export async function showDriver(operatorId: string, userId: string) {
  return driverView(await ownedDriver(operatorId, userId));
}

export async function drivers(operatorId: string, opts: { limit?: number; cursor?: string }) {
  const page = await listDrivers(operatorId, opts.limit ?? 50, opts.cursor);
  return { drivers: page.items.map(driverView), next_cursor: page.nextCursor };
}

/** A team change applies to authorisation at once in this process, within the cache TTL elsewhere. */
export async function changeDriver(operatorId: string, userId: string, body: { name?: string; email?: string | null; team_id?: string | null }) {
  if (body.team_id) await requireTeam(operatorId, body.team_id);
  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  if (body.name !== undefined) set.name = body.name;
  if (body.email === null) remove.push('email');
  else if (body.email !== undefined) set.email = body.email.toLowerCase();
  if (body.team_id === null) remove.push('teamId');
  else if (body.team_id !== undefined) set.teamId = body.team_id;
  const driver = await updateDriver(operatorId, userId, set, remove, nowIso());
  if (!driver) throw new NotFound(`Driver ${userId} not found`);
  forgetDriver(operatorId, userId);
  return driverView(driver);
}

/** One value per operator (1.6 idTag / 2.0.1 idToken are case-insensitive, so `04a1` and `04A1` are the same card): 409 otherwise. */
export async function addIdToken(operatorId: string, userId: string, body: { id_token: string; type?: IdTokenType; status?: IdTokenStatus; expires_at?: string }) {
  refuseReservedIdToken(body.id_token);
  const at = nowIso();
  const token: IdTokenRecord = {
    operatorId,
    userId,
    value: body.id_token,
    canonical: canonicalIdToken(body.id_token),
    tokenType: body.type ?? 'ISO14443',
    status: body.status ?? 'active',
    ...(body.expires_at ? { validUntil: new Date(body.expires_at).toISOString() } : {}),
    createdAt: at,
    updatedAt: at,
  };
  const outcome = await putIdToken(token);
  if (outcome === 'no_driver') throw new NotFound(`Driver ${userId} not found`);
  if (outcome === 'taken') throw new Conflict(`The id token ${body.id_token} belongs to a driver of this operator already`, { field: 'id_token' });
  // An Authorize may have cached it as unknown a moment ago.
  forgetIdToken(operatorId, token.canonical);
  return idTokenView(token);
}

export async function idTokensOf(operatorId: string, userId: string) {
  await ownedDriver(operatorId, userId);
  return { id_tokens: (await listIdTokensOfDriver(operatorId, userId)).map(idTokenView) };
}

/** Block, unblock, set or clear the expiry; another driver's token (or none) is 404. */
export async function changeIdToken(operatorId: string, userId: string, value: string, body: { status?: IdTokenStatus; expires_at?: string | null }) {
  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  if (body.status !== undefined) set.status = body.status;
  if (body.expires_at === null) remove.push('validUntil');
  else if (body.expires_at !== undefined) set.validUntil = new Date(body.expires_at).toISOString();
  const token = await updateIdToken(operatorId, userId, canonicalIdToken(value), set, remove, nowIso());
  if (!token) throw new NotFound(`Id token ${value} of driver ${userId} not found`);
  forgetIdToken(operatorId, value);
  return idTokenView(token);
}
