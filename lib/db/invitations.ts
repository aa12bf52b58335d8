// Invitations (issue #16, docs/access.md): one item per invitation, keyed by the SHA-256 of its token
// so the invitee's link finds it with one strongly consistent GetItem, and the token itself is never
// stored in clear (only a KMS-sealed copy, for the inviter's QR code: domain/invitations.ts). The
// inviter names it by id (gsi1, AP-68); a pending one is listed by the invitee's email (gsi2, AP-69).
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { transactWrite, type TransactItem } from '../aws/transact';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import type { Right } from '../domain/access';
import { ENTITY, keys } from './keys';
import { queryAll } from './query';

export const INVITATION_KINDS = ['operator_staff', 'team_owner', 'team_member', 'location_installer'] as const;
export type InvitationKind = (typeof INVITATION_KINDS)[number];

export interface Invitation {
  readonly invitationId: string;
  readonly kind: InvitationKind;
  /** SHA-256 of the token, base64url. */
  readonly tokenHash: string;
  /** The token sealed with the secret box (purpose `invitation-token`): the QR code shows it again. */
  readonly sealedToken: string;
  /** The invitee's address, lower case; only an account with this verified email may accept. */
  readonly email: string;
  readonly operatorId: string;
  readonly teamId?: string;
  readonly siteId?: string;
  /** Team role (`owner | admin | member`) or operator staff role (`admin | manager | installer`). */
  readonly role?: string;
  readonly rights?: readonly Right[];
  /** location_installer: the owner's consent to sensitive data. */
  readonly sensitiveData?: boolean;
  /**
   * location_installer: the grant's end. Absent: the default (14 days from acceptance); `null`:
   * indefinitely; an ISO time: until then.
   */
  readonly fullAccessUntil?: string | null;
  /** The inviting account. */
  readonly invitedBy: string;
  readonly createdAt: string;
  /** The link stops working at this time (ISO; 7 days after creation). */
  readonly validUntil: string;
  readonly acceptedAt?: string;
  readonly acceptedBy?: string;
  readonly revokedAt?: string;
}

/** An ended invitation is kept this long after it ended (the link then answers 410, not 404); then TTL removes it. */
export const ENDED_INVITATION_KEPT_DAYS = 30;
const ttlOf = (iso: string) => Math.floor(Date.parse(iso) / 1000) + ENDED_INVITATION_KEPT_DAYS * 86_400;
const conditionFailed = (err: unknown) => (err as { name?: string }).name === 'ConditionalCheckFailedException';

/**
 * AP-67: a new invitation; conditional so a (never expected) token-hash collision cannot overwrite one.
 * An invitation to a location also puts its pointer in the location's partition (AP-80), in the same
 * transaction, so the location's pending invitations are one query.
 */
export async function putInvitation(inv: Invitation): Promise<void> {
  const t = config().tableName;
  const expiresAt = ttlOf(inv.validUntil);
  const item: TransactItem = {
    Put: {
      TableName: t,
      Item: {
        ...keys.invitation(inv.tokenHash),
        ...keys.invitationById(inv.invitationId),
        ...keys.invitationByInvitee(inv.email, inv.createdAt, inv.invitationId),
        type: ENTITY.invitation,
        ...inv,
        expiresAt,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  if (!inv.siteId) {
    await documentClient().send(new PutCommand(item.Put!));
    return;
  }
  const pointer: TransactItem = {
    Put: {
      TableName: t,
      // Kept as long as the invitation item: a reader decides its state from that item, never from here.
      Item: { ...keys.locationInvitation(inv.siteId, inv.invitationId), type: ENTITY.locationInvitation, invitationId: inv.invitationId, tokenHash: inv.tokenHash, validUntil: inv.validUntil, expiresAt },
    },
  };
  const out = await transactWrite([item, pointer]);
  if (out.cancelled) throw new Error(`invitation put cancelled: ${out.reasons.join(', ')}`);
}

/**
 * AP-80: a location's pending invitations, oldest first: the pointers whose link has not expired,
 * then each invitation item, strongly consistent (AP-67), so an acceptance or revocation holds at once.
 */
export async function listPendingInvitationsOfLocation(siteId: string): Promise<Invitation[]> {
  const now = new Date().toISOString();
  const k = keys.invitationsOfLocation(siteId);
  const pointers = await queryAll<{ tokenHash: string; validUntil: string }>({
    TableName: config().tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix },
  });
  const invitations = await Promise.all(pointers.filter((p) => p.validUntil > now).map((p) => getInvitationByHash(p.tokenHash)));
  return invitations
    .filter((i): i is Invitation => !!i && i.validUntil > now && !i.acceptedAt && !i.revokedAt)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

const live = (item: (Invitation & { expiresAt?: number }) | undefined): Invitation | undefined =>
  // DynamoDB Local never deletes TTL-expired items (ACCESS_PATTERNS.md): filter on read.
  item && (item.expiresAt === undefined || item.expiresAt >= Math.floor(Date.now() / 1000)) ? item : undefined;

/** AP-67: the invitation of a token hash, strongly consistent (an acceptance or revoke holds at once). */
export async function getInvitationByHash(tokenHash: string): Promise<Invitation | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.invitation(tokenHash), ConsistentRead: true }));
  return live(out.Item as Invitation | undefined);
}

/** AP-68: an invitation by its id (GSIs are eventually consistent: callers re-read by hash before deciding). */
export async function getInvitationById(invitationId: string): Promise<Invitation | undefined> {
  const items = await queryAll<Invitation>({
    TableName: config().tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
    ExpressionAttributeValues: { ':pk': keys.invitationById(invitationId).gsi1pk, ':sk': keys.invitationById(invitationId).gsi1sk },
  });
  return items[0] ? getInvitationByHash(items[0].tokenHash) : undefined;
}

/** AP-69: pending invitations addressed to an email, oldest first (sparse: accepted and revoked ones leave the index). */
export async function listPendingInvitationsOf(email: string): Promise<Invitation[]> {
  const now = new Date().toISOString();
  const items = await queryAll<Invitation & { expiresAt?: number }>({
    TableName: config().tableName,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.invitationsOfInvitee(email).gsi2pk },
  });
  return items.filter((i) => i.validUntil > now && !i.acceptedAt && !i.revokedAt);
}

/**
 * AP-67: the acceptance, as one item of the transaction that applies it (single use: the condition
 * holds only while the invitation is neither accepted, nor revoked, nor expired).
 */
export function acceptInvitationItem(tokenHash: string, accountId: string, at: string): TransactItem {
  return {
    Update: {
      TableName: config().tableName,
      Key: keys.invitation(tokenHash),
      UpdateExpression: 'SET acceptedAt = :at, acceptedBy = :by, expiresAt = :ttl REMOVE gsi2pk, gsi2sk',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(acceptedAt) AND attribute_not_exists(revokedAt) AND validUntil > :at',
      ExpressionAttributeValues: { ':at': at, ':by': accountId, ':ttl': ttlOf(at) },
    },
  };
}

/** AP-67: revoke a pending invitation. False when it is not pending (accepted, revoked or absent). */
export async function revokeInvitation(tokenHash: string, at: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.invitation(tokenHash),
        UpdateExpression: 'SET revokedAt = :at, expiresAt = :ttl REMOVE gsi2pk, gsi2sk',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(acceptedAt) AND attribute_not_exists(revokedAt)',
        ExpressionAttributeValues: { ':at': at, ':ttl': ttlOf(at) },
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}
