// Invitations (issue #16, docs/access.md): how a person is let into an operator, a team or a
// location. The link is `{PUBLIC_BASE_URL}/invitations/{token}`; the token is 256 random bits, stored
// only as its SHA-256 (the key) and as a KMS-sealed copy. The sealed copy exists for the QR code: the
// installer shows the invitation on their phone (GET /api/v1/sent-invitations/{id}/qr.svg) whenever the
// customer is in front of them, not only in the moment it was created, so the token must be
// recoverable by the inviter, and only by them (the same trade-off as a job link's provisioning
// password, lib/domain/public-job.ts). A copy of the table alone reveals no token.
//
// Single use: the acceptance is a conditional update (not accepted, not revoked, not expired) in the
// SAME transaction as its effect (a membership, a grant), so two accepts of one link cannot both apply.
//
// Mails are fixed texts of ours with the link and nothing the inviter typed (a location name could
// be a phishing line in someone else's mailbox); the preview (GET /api/v1/invitations/{token}) says
// who invites to what.
import { randomBytes } from 'node:crypto';
import { transactWrite, type TransactItem } from '../aws/transact';
import { config } from '../config';
import { getAccount } from '../db/accounts';
import { acceptInvitationItem, getInvitationByHash, getInvitationById, putInvitation, revokeInvitation, type Invitation, type InvitationKind } from '../db/invitations';
import { keys } from '../db/keys';
import { getTeamMember, grantPutItem, grantSetUntilItem, listGrantsOfLocation, memberPutItem, type TeamRole } from '../db/locations';
import { getOperator } from '../db/operators';
import { getSite, getTeam } from '../db/projects';
import { makeEvent, publish } from '../events/publish';
import type { AccountPrincipal } from '../http/handler';
import { newId, nowIso } from '../ids';
import { openSecret, sealSecret, SEAL_PURPOSES } from '../webhooks/secret-box';
import { requireAction, RIGHTS, type Right, type Role } from './access';
import { Conflict, Forbidden, Gone, NotFound } from './errors';
import { staffInvitationEffect } from './operator-staff';
import { hashToken } from './public-links';
import { enforceRateLimit } from './rate-limits';

export { INVITATION_KINDS, type Invitation, type InvitationKind } from '../db/invitations';

/** An invitation link works this long (docs/access.md). */
export const INVITATION_LIFETIME_DAYS = 7;
/** How long an installer keeps full access after the owner accepted, unless the owner says otherwise (issue #16). */
export const INSTALLER_FULL_ACCESS_DAYS = 14;

const DAY_MS = 86_400_000;
/** The shape of a token we issue (base64url of 32 bytes); anything else is unknown without a lookup. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const invitationUrl = (token: string) => `${process.env.PUBLIC_BASE_URL ?? ''}/invitations/${token}`;
export const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY_MS).toISOString();
/** How invitation emails are compared (stored lower-case, trimmed). */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();
const normalise = normaliseEmail;
/** A team role's row in the role × action table (lib/domain/access.ts). */
export const TEAM_ROLES: Readonly<Record<TeamRole, Role>> = { owner: 'team_owner', admin: 'team_admin', member: 'team_member' };

export type InvitationState = 'pending' | 'accepted' | 'revoked' | 'expired';

export function invitationStateOf(inv: Invitation, now: string = nowIso()): InvitationState {
  if (inv.acceptedAt) return 'accepted';
  if (inv.revokedAt) return 'revoked';
  return inv.validUntil <= now ? 'expired' : 'pending';
}

export interface NewInvitation {
  readonly kind: InvitationKind;
  readonly email: string;
  readonly operatorId: string;
  readonly teamId?: string;
  readonly siteId?: string;
  readonly role?: string;
  readonly rights?: readonly Right[];
  readonly sensitiveData?: boolean;
  readonly fullAccessUntil?: string | null;
  /** The inviting account (who alone may show its QR code or revoke it). */
  readonly invitedBy: string;
}

export interface CreatedInvitation {
  readonly invitation: Invitation;
  /** The link with the token: shown to the inviter (it is what the QR code holds) and mailed to the invitee. */
  readonly url: string;
}

/**
 * Creates an invitation and mails its link. Callers have decided that the inviter may invite
 * (requireAction on the target); this only makes, stores and sends it.
 */
export async function createInvitation(input: NewInvitation): Promise<CreatedInvitation> {
  await enforceRateLimit('invitations', input.invitedBy);
  const token = randomBytes(32).toString('base64url');
  const createdAt = nowIso();
  const invitation: Invitation = {
    invitationId: newId('inv'),
    kind: input.kind,
    tokenHash: hashToken(token),
    sealedToken: await sealSecret(token, SEAL_PURPOSES.invitationToken),
    email: normalise(input.email),
    operatorId: input.operatorId,
    ...(input.teamId !== undefined ? { teamId: input.teamId } : {}),
    ...(input.siteId !== undefined ? { siteId: input.siteId } : {}),
    ...(input.role !== undefined ? { role: input.role } : {}),
    ...(input.rights !== undefined ? { rights: input.rights } : {}),
    ...(input.sensitiveData !== undefined ? { sensitiveData: input.sensitiveData } : {}),
    ...(input.fullAccessUntil !== undefined ? { fullAccessUntil: input.fullAccessUntil } : {}),
    invitedBy: input.invitedBy,
    createdAt,
    validUntil: plusDays(createdAt, INVITATION_LIFETIME_DAYS),
  };
  await putInvitation(invitation);
  const url = invitationUrl(token);
  await publish([makeEvent('email.requested', 'platform', { to: [invitation.email], ...invitationMail(invitation, url) })]);
  return { invitation, url };
}

const KIND_WORDS: Readonly<Record<InvitationKind, string>> = {
  operator_staff: 'to join a charge point operator as staff',
  team_owner: 'to become the owner of a charging location',
  team_member: 'to join the team of a charging location',
  location_installer: 'to look after a charging location as its installer',
};

function invitationMail(inv: Invitation, url: string): { subject: string; text: string } {
  return {
    subject: `You are invited ${KIND_WORDS[inv.kind]}`,
    text: [
      `You (${inv.email}) are invited ${KIND_WORDS[inv.kind]}.`,
      '',
      `Open this link to see who invites you and to what, then sign in (or sign up) with ${inv.email} and accept:`,
      `  ${url}`,
      '',
      `The link works once and until ${inv.validUntil}. If you did not expect this, ignore this email.`,
    ].join('\n'),
  };
}

/** The invitation a token names. Unknown → 404; accepted, revoked or expired → 410. */
export async function invitationOfToken(token: string): Promise<Invitation> {
  const unknown = () => new NotFound('This invitation link is not known. Check that it was copied in full, or ask whoever invited you for a new one.');
  if (!TOKEN_PATTERN.test(token)) throw unknown();
  const inv = await getInvitationByHash(hashToken(token));
  if (!inv) throw unknown();
  const state = invitationStateOf(inv);
  if (state !== 'pending') throw new Gone(`This invitation was ${state === 'expired' ? 'valid until ' + inv.validUntil : state}; ask whoever invited you for a new one.`, { state });
  return inv;
}

/** What the invitee sees before accepting: who invites, to what, until when (GET /api/v1/invitations/{token}). */
export async function previewInvitation(token: string, clientIp: string) {
  await enforceRateLimit('invitation-preview', clientIp);
  const inv = await invitationOfToken(token);
  const [inviter, operator, team, site] = await Promise.all([
    getAccount(inv.invitedBy),
    getOperator(inv.operatorId),
    inv.teamId ? getTeam(inv.operatorId, inv.teamId) : undefined,
    inv.siteId ? getSite(inv.operatorId, inv.siteId) : undefined,
  ]);
  return {
    kind: inv.kind,
    email: inv.email,
    invited_by: { name: inviter?.name ?? null, email: inviter?.email ?? null },
    operator: { name: operator?.name ?? null },
    team: team ? { team_id: team.teamId, name: team.name } : null,
    location: site ? { location_id: site.siteId, name: site.name, address: site.address, country: site.country } : null,
    role: inv.role ?? null,
    rights: inv.rights ?? [],
    sensitive_data: inv.sensitiveData ?? false,
    full_access_until: inv.fullAccessUntil === undefined ? null : inv.fullAccessUntil,
    expires_at: inv.validUntil,
  };
}

/** An invitation as its inviter sees it (never the token, except in the `url` of a creation). */
export function invitationView(inv: Invitation, url?: string) {
  return {
    invitation_id: inv.invitationId,
    kind: inv.kind,
    email: inv.email,
    location_id: inv.siteId ?? null,
    team_id: inv.teamId ?? null,
    role: inv.role ?? null,
    rights: inv.rights ?? [],
    sensitive_data: inv.sensitiveData ?? false,
    full_access_until: inv.fullAccessUntil ?? null,
    state: invitationStateOf(inv),
    created_at: inv.createdAt,
    expires_at: inv.validUntil,
    qr_code: `/api/v1/sent-invitations/${inv.invitationId}/qr.svg`,
    ...(url !== undefined ? { url } : {}),
  };
}

/** The inviter's own invitation by id; anyone else's is absent (404). */
async function inviterOwn(who: AccountPrincipal, invitationId: string): Promise<Invitation> {
  const inv = await getInvitationById(invitationId);
  if (!inv || inv.invitedBy !== who.accountId) throw new NotFound(`Invitation ${invitationId} not found`);
  return inv;
}

/** The QR code of a pending invitation's link, as SVG, for its inviter only. */
export async function invitationQrSvg(who: AccountPrincipal, invitationId: string): Promise<string> {
  const inv = await inviterOwn(who, invitationId);
  const state = invitationStateOf(inv);
  if (state !== 'pending') throw new Gone(`This invitation is ${state}; invite again for a new QR code.`, { state });
  const token = await openSecret(inv.sealedToken, SEAL_PURPOSES.invitationToken);
  const { toString } = await import('qrcode');
  // Error correction M: a phone screen photographed by another phone, with glare, still reads.
  return toString(invitationUrl(token), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/**
 * Revokes a pending invitation: its inviter, or an owner of the team it invites to (the location's
 * owner decides who comes in, whoever sent the link). Anyone else: a member of that team reaches it
 * but may not (403 naming `team:own`); outside the team it is absent (404). 409 when it was already
 * accepted or revoked.
 */
export async function revokeInvitationOf(who: AccountPrincipal, invitationId: string): Promise<Invitation> {
  const inv = await getInvitationById(invitationId);
  if (!inv) throw new NotFound(`Invitation ${invitationId} not found`);
  if (inv.invitedBy !== who.accountId) {
    // Operator staff invitations are the inviting admin's alone; team invitations also the team owner's.
    const member = inv.teamId && inv.kind !== 'operator_staff' ? await getTeamMember(inv.teamId, who.accountId) : undefined;
    if (!member) throw new NotFound(`Invitation ${invitationId} not found`);
    requireAction(TEAM_ROLES[member.role], 'team:own', member.rights);
  }
  const at = nowIso();
  if (!(await revokeInvitation(inv.tokenHash, at))) throw new Conflict(`This invitation is ${invitationStateOf(inv)} and can no longer be revoked`);
  return { ...inv, revokedAt: at };
}

// --- Acceptance ---------------------------------------------------------------------------------

/** What accepting an invitation writes, in the same transaction as the acceptance itself. */
interface AcceptEffect {
  readonly items: readonly TransactItem[];
  /** What the account became, for the answer. */
  readonly result: Record<string, unknown>;
}

/**
 * Accepts the invitation a token names for the signed-in account, whose (verified) email must be
 * the invitation's: else 403, saying nothing of whom it is for.
 */
export async function acceptInvitation(who: AccountPrincipal, token: string) {
  const inv = await invitationOfToken(token);
  if (normalise(who.email) !== inv.email) {
    throw new Forbidden('This invitation is addressed to another email address: sign in with the account it was sent to.');
  }
  const at = nowIso();
  const effect = await acceptEffect(inv, who, at);
  const outcome = await transactWrite([acceptInvitationItem(inv.tokenHash, who.accountId, at), ...effect.items]);
  if (outcome.cancelled) {
    // The acceptance's own condition: someone used the link a moment ago (or it was revoked).
    if (outcome.reasons[0] === 'ConditionalCheckFailed') throw new Gone('This invitation was used or revoked a moment ago; ask whoever invited you for a new one.');
    throw new Conflict('The invitation cannot be applied: the location or team changed meanwhile (for example, you are already a member); try again or ask for a new one.');
  }
  return { invitation_id: inv.invitationId, kind: inv.kind, accepted_at: at, ...effect.result };
}

/**
 * One accept function per kind: the switch is the whole dispatch, so each kind's effect is in one
 * place.
 */
function acceptEffect(inv: Invitation, who: AccountPrincipal, at: string): Promise<AcceptEffect> {
  switch (inv.kind) {
    case 'team_owner':
      return acceptTeamOwner(inv, who, at);
    case 'team_member':
      return acceptTeamMember(inv, who, at);
    case 'location_installer':
      return acceptLocationInstaller(inv, who, at);
    case 'operator_staff':
      return acceptOperatorStaff(inv, who, at);
  }
}

/** The account joins the operator's staff with the invited role (lib/domain/operator-staff.ts). */
function acceptOperatorStaff(inv: Invitation, who: AccountPrincipal, at: string): Promise<AcceptEffect> {
  return staffInvitationEffect(inv, who.accountId, at);
}

/**
 * The account becomes an owner of the team. Every installer grant on the location that was waiting
 * for an owner (the creating installer's, with no end) becomes `now + 14 days` (issue #16), and the
 * team's owner email (handover mails) becomes the new owner's.
 */
async function acceptTeamOwner(inv: Invitation, who: AccountPrincipal, at: string): Promise<AcceptEffect> {
  const { teamId, siteId } = target(inv);
  const until = plusDays(at, INSTALLER_FULL_ACCESS_DAYS);
  const grants = siteId ? await listGrantsOfLocation(siteId) : [];
  if (grants.some((g) => g.accountId === who.accountId) && (await getTeamMember(teamId, inv.invitedBy))?.role !== 'owner') {
    // An installer's handover invites the customer: accepting it themselves (or through another
    // installer of the location) would make the installer a permanent owner with consent to
    // sensitive data, past the 14-day lapse the owner is meant to decide on. An owner may still make
    // an installer a co-owner.
    throw new Forbidden("An installer of this location cannot accept the owner invitation an installer sent: it is for the location's customer. Ask an owner (or the operator) to invite you.");
  }
  const waiting = grants.filter((g) => g.untilOwnerAccepts && g.accountId !== who.accountId);
  return {
    items: [
      memberPutItem({ teamId, operatorId: inv.operatorId, accountId: who.accountId, email: inv.email, role: 'owner', rights: [...RIGHTS], createdAt: at }),
      ...waiting.map((g) => grantSetUntilItem(g.siteId, g.accountId, until, { onlyUntilOwnerAccepts: true })),
      {
        Update: {
          TableName: config().tableName,
          Key: keys.team(inv.operatorId, teamId),
          UpdateExpression: 'SET ownerEmail = :email',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':email': inv.email },
        },
      },
    ],
    result: { team_id: teamId, location_id: siteId ?? null, role: 'owner' },
  };
}

/** The account joins the team with the invitation's role and rights (not over an existing membership). */
async function acceptTeamMember(inv: Invitation, who: AccountPrincipal, at: string): Promise<AcceptEffect> {
  const { teamId, siteId } = target(inv);
  const role = (inv.role ?? 'member') as TeamRole;
  return {
    items: [memberPutItem({ teamId, operatorId: inv.operatorId, accountId: who.accountId, email: inv.email, role, rights: inv.rights ?? [], createdAt: at }, 'attribute_not_exists(pk)')],
    result: { team_id: teamId, location_id: siteId ?? null, role },
  };
}

/**
 * The account gets an installer grant on the location: full access for 14 days by default, until the
 * owner's date, or indefinitely (`null`); sensitive data only with the owner's consent flag.
 */
async function acceptLocationInstaller(inv: Invitation, who: AccountPrincipal, at: string): Promise<AcceptEffect> {
  const { siteId } = target(inv);
  if (!siteId) throw new Error(`Invitation ${inv.invitationId} has no location`);
  const fullAccessUntil = inv.fullAccessUntil === undefined ? plusDays(at, INSTALLER_FULL_ACCESS_DAYS) : (inv.fullAccessUntil ?? undefined);
  return {
    items: [
      grantPutItem({
        siteId,
        operatorId: inv.operatorId,
        accountId: who.accountId,
        email: inv.email,
        ...(fullAccessUntil ? { fullAccessUntil } : {}),
        sensitiveData: inv.sensitiveData ?? false,
        createdAt: at,
      }),
    ],
    result: { location_id: siteId, role: 'location_installer', full_access_until: fullAccessUntil ?? null, sensitive_data: inv.sensitiveData ?? false },
  };
}

function target(inv: Invitation): { teamId: string; siteId?: string } {
  if (!inv.teamId) throw new Error(`Invitation ${inv.invitationId} (${inv.kind}) has no team`);
  return { teamId: inv.teamId, ...(inv.siteId ? { siteId: inv.siteId } : {}) };
}
