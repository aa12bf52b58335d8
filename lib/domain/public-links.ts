// Public job links (issue #14): one no-login link per job that an installer opens on a phone. The
// token in the URL is the credential: base64url of 32 random bytes (256 bits, far above the 128 the
// issue asks for), stored only as its SHA-256, looked up by that hash. Looking up by hash is what
// keeps the check from leaking timing: the only comparison made is DynamoDB's exact key match on a
// hash the caller cannot steer, and a hash prefix tells nothing about the token.
//
// Links expire (default 30 days, at most 180) and can be revoked at once (strongly consistent reads).
// Expired and revoked links answer 410 whose detail names whom to ask (the operator), unknown ones
// 404; neither says anything about the job.
import { createHash, randomBytes } from 'node:crypto';
import { getOperator } from '../db/operators';
import { getProject, type Project } from '../db/projects';
import { getPublicLinkByHash, listPublicLinksOfProject, putPublicLink, revokePublicLink, touchPublicLink, type PublicLink } from '../db/public-links';
import { newId, nowIso } from '../ids';
import { Conflict, Gone, NotFound } from './errors';
import { enforceRateLimit } from './rate-limits';

export const LINK_LIFETIME_DAYS = { default: 30, max: 180 } as const;
/** Live links (neither revoked nor expired) per project: revoking one makes room at once. */
export const MAX_LINKS_PER_PROJECT = 100;
/** Kept links in any state per project (the bound of AP-39's read); ended ones are forgotten ENDED_LINK_KEPT_DAYS after they end. */
export const MAX_KEPT_LINKS_PER_PROJECT = 300;
/** `last_used_at` is written at most this often per link: a polling page must not cost a write per poll. */
export const LAST_USED_RESOLUTION_SECONDS = 300;

/** The shape of a token we issue; anything else is unknown without a lookup. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export function jobUrl(token: string): string {
  return `${process.env.PUBLIC_BASE_URL ?? ''}/jobs/${token}`;
}

export type LinkState = 'active' | 'expired' | 'revoked';

export function linkStateOf(link: PublicLink, now: string = nowIso()): LinkState {
  if (link.revokedAt) return 'revoked';
  return link.validUntil <= now ? 'expired' : 'active';
}

export interface CreatedPublicLink {
  readonly link: PublicLink;
  /** Shown once, in the URL; only its hash is stored. */
  readonly token: string;
  readonly url: string;
}

async function ownedProject(operatorId: string, projectId: string): Promise<Project> {
  const project = await getProject(projectId);
  if (!project || project.operatorId !== operatorId) throw new NotFound(`Project ${projectId} not found`);
  return project;
}

export async function createPublicLink(operatorId: string, projectId: string, opts: { expiresInDays?: number } = {}): Promise<CreatedPublicLink> {
  const project = await ownedProject(operatorId, projectId);
  const kept = await listPublicLinksOfProject(project.projectId);
  const now = nowIso();
  const live = kept.filter((l) => !l.revokedAt && l.validUntil > now);
  if (live.length >= MAX_LINKS_PER_PROJECT) {
    throw new Conflict(`This project already has ${live.length} active links. Reuse one or revoke unused ones.`);
  }
  if (kept.length >= MAX_KEPT_LINKS_PER_PROJECT) {
    // Revoked and expired links are kept (last use, who revoked) until 90 days after they end.
    throw new Conflict(`This project has made ${kept.length} links in the last 90 days; ended links are forgotten 90 days after they end. Reuse an active link.`);
  }
  const days = Math.min(Math.max(opts.expiresInDays ?? LINK_LIFETIME_DAYS.default, 1), LINK_LIFETIME_DAYS.max);
  const token = randomBytes(32).toString('base64url');
  const createdAt = nowIso();
  const link: PublicLink = {
    linkId: newId('lnk'),
    projectId: project.projectId,
    operatorId,
    tokenHash: hashToken(token),
    createdAt,
    validUntil: new Date(Date.parse(createdAt) + days * 86_400_000).toISOString(),
    createdBy: `operator:${operatorId}`,
  };
  await putPublicLink(link);
  return { link, token, url: jobUrl(token) };
}

export async function listPublicLinks(operatorId: string, projectId: string): Promise<PublicLink[]> {
  await ownedProject(operatorId, projectId);
  return listPublicLinksOfProject(projectId);
}

export async function revokeLink(operatorId: string, projectId: string, linkId: string): Promise<void> {
  await ownedProject(operatorId, projectId);
  const link = (await listPublicLinksOfProject(projectId)).find((l) => l.linkId === linkId);
  if (!link || !(await revokePublicLink(link.tokenHash, nowIso()))) throw new NotFound(`Public link ${linkId} not found`);
}

export function publicLinkView(link: PublicLink, now: string = nowIso()) {
  return {
    link_id: link.linkId,
    created_at: link.createdAt,
    expires_at: link.validUntil,
    revoked_at: link.revokedAt ?? null,
    state: linkStateOf(link, now),
    last_used_at: link.lastUsedAt ?? null,
  };
}

export interface ResolvedLink {
  readonly link: PublicLink;
  readonly project: Project;
  /** Whom the installer asks for a new link. */
  readonly operatorName: string;
}

/**
 * The link a token names, and its job. Unknown → NotFound; expired or revoked → Gone, whose detail
 * says whom to ask and nothing about the job. The HTML page (`/jobs/{token}`) calls this too.
 * With `clientIp`, the request first counts against the client's public limit (limitPublicClient).
 * `consistent`: read the project strongly consistently (writes: a job completed a moment ago is completed).
 */
export async function resolvePublicLink(token: string, clientIp?: string, opts: { readonly consistent?: boolean } = {}): Promise<ResolvedLink> {
  if (clientIp !== undefined) await limitPublicClient(clientIp);
  const unknown = () => new NotFound('This job link is not known. Check that it was copied in full, or ask whoever sent it for a new one.');
  if (!TOKEN_PATTERN.test(token)) throw unknown();
  const tokenHash = hashToken(token);
  const link = await getPublicLinkByHash(tokenHash);
  if (!link) throw unknown();
  const [operator, project] = await Promise.all([getOperator(link.operatorId), getProject(link.projectId, opts.consistent === true)]);
  const operatorName = operator?.name ?? 'the charge point operator';
  const now = nowIso();
  const state = linkStateOf(link, now);
  if (state !== 'active') {
    throw new Gone(`This job link ${state === 'revoked' ? 'was revoked' : 'has expired'}. Ask ${operatorName} for a new link.`, { operator_name: operatorName, link_state: state });
  }
  if (!project) throw unknown();
  const staleBefore = new Date(Date.parse(now) - LAST_USED_RESOLUTION_SECONDS * 1000).toISOString();
  if (!link.lastUsedAt || link.lastUsedAt < staleBefore) await touchPublicLink(tokenHash, now, staleBefore);
  return { link, project, operatorName };
}

/**
 * The public API's per-client limit (lib/domain/rate-limits.ts `public-job`), counted before the
 * token is looked up. The tokens carry 256 bits, so guessing one is hopeless whatever the rate; the
 * limit is there so one client (a stuck page, a script) cannot run up reads and writes, and so a
 * scanner gets 429s rather than an oracle it can drive at full speed.
 */
export async function limitPublicClient(clientIp: string): Promise<void> {
  await enforceRateLimit('public-job', clientIp);
}
