// Operator staff (issue #16, docs/access.md): accounts with a role at an operator. `admin` runs the
// operator including its staff and API keys; `manager` everything else (lib/domain/access.ts says
// why); `installer` installs for the operator and gets no operator routes. An operator always
// keeps at least one admin once it has one: removing or demoting the last is a 409.
import { getAccount, type Account } from '../db/accounts';
import { getStaffMember, listStaffOfOperator, staffWriteItems, STAFF_ROLES, writeStaffMember, type StaffMember, type StaffRole, type StaffWriteOutcome } from '../db/operators';
import type { TransactItem } from '../aws/transact';
import { nowIso } from '../ids';
import { createInvitation, invitationView, type CreatedInvitation, type Invitation } from './invitations';
import { Conflict, NotFound } from './errors';

export interface StaffView {
  readonly member: StaffMember;
  /** The account (an installer record IS a person account); undefined if it was deleted. */
  readonly account: Account | undefined;
}

export async function listStaff(operatorId: string): Promise<StaffView[]> {
  const members = await listStaffOfOperator(operatorId);
  const accounts = await Promise.all(members.map((m) => getAccount(m.accountId)));
  return members.map((member, i) => ({ member, account: accounts[i] }));
}

function refuse(outcome: Exclude<StaffWriteOutcome, 'done'>): Conflict {
  return outcome === 'last_admin'
    ? new Conflict('An operator keeps at least one admin: make another account admin first', { field: 'role', reason: 'last_admin' })
    : new Conflict('The staff member was changed by someone else at the same moment; read it again and retry', { reason: 'concurrent_change' });
}

async function existing(operatorId: string, accountId: string): Promise<StaffMember> {
  const member = await getStaffMember(operatorId, accountId);
  if (!member) throw new NotFound(`No staff member ${accountId} at this operator`);
  return member;
}

export async function changeStaffRole(operatorId: string, accountId: string, role: StaffRole): Promise<StaffView> {
  const member = await existing(operatorId, accountId);
  if (member.role === role) return { member, account: await getAccount(accountId) };
  const next: StaffMember = { ...member, role, updatedAt: nowIso() };
  const outcome = await writeStaffMember(operatorId, accountId, member, next);
  if (outcome !== 'done') throw refuse(outcome);
  return { member: next, account: await getAccount(accountId) };
}

export async function removeStaff(operatorId: string, accountId: string): Promise<void> {
  const member = await existing(operatorId, accountId);
  const outcome = await writeStaffMember(operatorId, accountId, member, undefined);
  if (outcome !== 'done') throw refuse(outcome);
}

/**
 * Makes the account staff with this role (an accepted invitation, the bootstrap command). Already
 * staff: the role becomes the given one (an invitation is the admin's latest word), unless that
 * would demote the last admin (409).
 */
export async function addStaffMember(operatorId: string, accountId: string, role: StaffRole): Promise<StaffMember> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const current = await getStaffMember(operatorId, accountId);
    if (current?.role === role) return current;
    const now = nowIso();
    const next: StaffMember = current ? { ...current, role, updatedAt: now } : { operatorId, accountId, role, createdAt: now };
    const outcome = await writeStaffMember(operatorId, accountId, current, next);
    if (outcome === 'done') return next;
    if (outcome === 'last_admin') throw refuse(outcome);
  }
  throw refuse('conflict');
}

export function staffView({ member, account }: StaffView) {
  return {
    account_id: member.accountId,
    email: account?.email ?? null,
    name: account?.name ?? null,
    role: member.role,
    created_at: member.createdAt,
    updated_at: member.updatedAt ?? null,
  };
}

/**
 * Invites an email to the operator's staff with a role (POST /api/v1/operator/staff, and the
 * bootstrap command). An invitation even when the email already has an account: joining an
 * operator is the invitee's choice, and the link proves the email is theirs. `invitedBy` is the
 * inviting admin's account (the bootstrap command has none: `admin-command`).
 */
export async function inviteStaff(operatorId: string, input: { email: string; role: StaffRole; invitedBy: string }): Promise<CreatedInvitation> {
  return createInvitation({ kind: 'operator_staff', email: input.email, operatorId, role: input.role, invitedBy: input.invitedBy });
}

export function staffInvitationView(created: CreatedInvitation) {
  const view = invitationView(created.invitation);
  return { invitation_id: view.invitation_id, email: view.email, role: view.role, state: view.state, expires_at: view.expires_at };
}

/**
 * What accepting an `operator_staff` invitation writes, inside the acceptance's transaction
 * (lib/domain/invitations.ts): the membership with the invited role. Already staff: the role becomes
 * the invited one (the admin's latest word), unless that demotes the last admin (the admin count's
 * condition cancels the transaction: 409).
 */
export async function staffInvitationEffect(inv: Invitation, accountId: string, at: string): Promise<{ items: TransactItem[]; result: Record<string, unknown> }> {
  const role = (STAFF_ROLES as readonly string[]).includes(inv.role ?? '') ? (inv.role as StaffRole) : 'manager';
  const current = await getStaffMember(inv.operatorId, accountId);
  const next: StaffMember = current ? { ...current, role, updatedAt: at } : { operatorId: inv.operatorId, accountId, role, createdAt: at };
  const items = current?.role === role ? [] : staffWriteItems(inv.operatorId, accountId, current, next);
  return { items, result: { operator_id: inv.operatorId, role } };
}
