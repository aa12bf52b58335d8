// The invitations core (issue #16): a link mailed through the outbox, a QR code of the same link for
// the inviter only, a public preview, and a single-use acceptance by the account the invitation is
// addressed to. Invitations are made here with the use case (the location routes that make them
// are covered in locations.test.ts) on the seed's operator-made team and site; a location's pending
// invitations are listed and revoked through the routes.
import { toString as qrSvg } from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { createInvitation } from '../../lib/domain/invitations';
import { getTeamMember } from '../../lib/db/locations';
import { aSignedInAccount, anEmail, apiClient } from './support/api';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
});
afterAll(async () => {
  await rt?.stop();
});

/** The link in the newest invitation mail to an address. */
async function mailedLink(email: string): Promise<string> {
  await rt.drain();
  const mail = rt.outbox.list({ to: email }).find((m) => /invited/.test(m.subject));
  return /(\S+\/invitations\/[A-Za-z0-9_-]{43})/.exec(mail!.text!)![1]!;
}
const tokenOf = (link: string) => link.slice(link.lastIndexOf('/') + 1);

describe('invitations', () => {
  it('mails a single-use link whose QR code only the inviter sees; only the addressee accepts it', async () => {
    const inviter = await aSignedInAccount(rt, { name: 'Ina Installer' });
    const inviteeEmail = anEmail('owner');
    const { invitation, url } = await createInvitation({
      kind: 'team_owner',
      email: inviteeEmail,
      operatorId: rt.seed!.operatorId,
      teamId: rt.seed!.teamId,
      siteId: rt.seed!.siteId,
      invitedBy: inviter.accountId,
    });

    // The mail carries the link; its token is not stored (the key is its hash).
    const link = await mailedLink(inviteeEmail);
    expect(link).toBe(url);
    expect(link).toBe(`${process.env.PUBLIC_BASE_URL}/invitations/${tokenOf(link)}`);

    // The QR code encodes exactly that link, for the inviter; anyone else is told it does not exist.
    const qr = await fetch(`${rt.url}/api/v1/sent-invitations/${invitation.invitationId}/qr.svg`, { headers: { authorization: `Bearer ${inviter.token}` } });
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toBe('image/svg+xml');
    expect(await qr.text()).toBe(await qrSvg(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    const stranger = await aSignedInAccount(rt);
    expect((await api('GET', `/api/v1/sent-invitations/${invitation.invitationId}/qr.svg`, { token: stranger.token })).status).toBe(404);

    // The public preview says who invites to what.
    const preview = await api<{ kind: string; invited_by: { name: string }; location: { location_id: string }; expires_at: string }>('GET', `/api/v1/invitations/${tokenOf(link)}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ kind: 'team_owner', invited_by: { name: 'Ina Installer' }, location: { location_id: rt.seed!.siteId } });
    expect(Date.parse(preview.body.expires_at) - Date.parse(invitation.createdAt)).toBe(7 * 86_400_000);

    // Another account cannot accept it, and learns nothing of whom it is for.
    const wrong = await api<{ detail: string }>('POST', `/api/v1/invitations/${tokenOf(link)}/accept`, { token: stranger.token });
    expect(wrong.status).toBe(403);
    expect(wrong.body.detail).not.toContain(inviteeEmail);

    // The addressee signs up and accepts: they are the team's owner.
    const owner = await aSignedInAccount(rt, { email: inviteeEmail });
    const accepted = await api('POST', `/api/v1/invitations/${tokenOf(link)}/accept`, { token: owner.token });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ kind: 'team_owner', role: 'owner', location_id: rt.seed!.siteId });
    expect(await getTeamMember(rt.seed!.teamId, owner.accountId)).toMatchObject({ role: 'owner', rights: ['configure_charge_points', 'sensitive_data'] });

    // Used once: the link, its preview and its QR code are gone.
    expect((await api('POST', `/api/v1/invitations/${tokenOf(link)}/accept`, { token: owner.token })).status).toBe(410);
    expect((await api('GET', `/api/v1/invitations/${tokenOf(link)}`)).status).toBe(410);
    expect((await api('GET', `/api/v1/sent-invitations/${invitation.invitationId}/qr.svg`, { token: inviter.token })).status).toBe(410);
  }, 60_000);

  it('answers 404 for a token nobody issued', async () => {
    expect((await api('GET', `/api/v1/invitations/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await api('GET', '/api/v1/invitations/short')).status).toBe(404);
  });

  it('lists a location\'s pending invitations to whoever may invite, and lets the inviter or the owner revoke one', async () => {
    const installer = await aSignedInAccount(rt, { name: 'Ina Installer' });
    await api('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/installers`, { token: rt.seed!.operatorApiKey, body: { email: installer.email } });
    const created = await api<{ location_id: string }>('POST', '/api/v1/locations', { token: installer.token, body: { operator_id: rt.seed!.operatorId, name: 'Orchard', address: '5 Apple Way', country: 'GB' } });
    const location_id = created.body.location_id;
    const list = (token: string) => api<{ invitations: Array<{ invitation_id: string; state: string }> }>('GET', `/api/v1/locations/${location_id}/invitations`, { token });
    type Created = { invitation_id: string; url: string };

    // The inviter revokes a mistyped one: its link is gone, it leaves the list.
    const typo = await api<Created>('POST', `/api/v1/locations/${location_id}/invitations`, { token: installer.token, body: { kind: 'team_owner', email: anEmail('typo') } });
    const ownerEmail = anEmail('owner');
    const handover = await api<Created>('POST', `/api/v1/locations/${location_id}/invitations`, { token: installer.token, body: { kind: 'team_owner', email: ownerEmail } });
    expect((await list(installer.token)).body.invitations.map((i) => i.invitation_id)).toEqual([typo.body.invitation_id, handover.body.invitation_id]);
    const stranger = await aSignedInAccount(rt);
    expect((await list(stranger.token)).status).toBe(404);
    expect((await api('DELETE', `/api/v1/sent-invitations/${typo.body.invitation_id}`, { token: stranger.token })).status).toBe(404);
    expect((await api('DELETE', `/api/v1/sent-invitations/${typo.body.invitation_id}`, { token: installer.token })).status).toBe(204);
    expect((await api('DELETE', `/api/v1/sent-invitations/${typo.body.invitation_id}`, { token: installer.token })).status).toBe(409);
    expect((await api('GET', `/api/v1/invitations/${typo.body.url.split('/invitations/')[1]}`)).status).toBe(410);
    expect((await list(installer.token)).body.invitations.map((i) => i.invitation_id)).toEqual([handover.body.invitation_id]);

    // A second owner invitation, while the location still waits for its first owner (afterwards only owners make owners).
    const second = await api<Created>('POST', `/api/v1/locations/${location_id}/invitations`, { token: installer.token, body: { kind: 'team_owner', email: anEmail('second') } });

    // The owner accepts (its invitation leaves the list) and invites a member.
    const owner = await aSignedInAccount(rt, { email: ownerEmail });
    await api('POST', `/api/v1/invitations/${handover.body.url.split('/invitations/')[1]}/accept`, { token: owner.token });
    expect((await list(owner.token)).body.invitations).toEqual([expect.objectContaining({ invitation_id: second.body.invitation_id, state: 'pending' })]);
    const memberEmail = anEmail('member');
    const memberInvite = await api<Created>('POST', `/api/v1/locations/${location_id}/invitations`, { token: owner.token, body: { kind: 'team_member', email: memberEmail } });
    const member = await aSignedInAccount(rt, { email: memberEmail });
    await api('POST', `/api/v1/invitations/${memberInvite.body.url.split('/invitations/')[1]}/accept`, { token: member.token });
    // A member reads the location: it sees only the invitations it sent (none), and may not revoke others'.
    expect((await list(member.token)).body.invitations).toEqual([]);
    // The installer that sent the second one still sees it; the owner may revoke it (not only its inviter).
    expect((await list(installer.token)).body.invitations.map((i) => i.invitation_id)).toEqual([second.body.invitation_id]);
    expect((await api<{ action: string }>('DELETE', `/api/v1/sent-invitations/${second.body.invitation_id}`, { token: member.token })).body).toMatchObject({ status: 403, action: 'team:own' });
    expect((await api('DELETE', `/api/v1/sent-invitations/${second.body.invitation_id}`, { token: owner.token })).status).toBe(204);
    expect((await list(owner.token)).body.invitations).toEqual([]);
  }, 60_000);
});

// Last in this file: it uses up this client's previews for the minute.
describe('invitation previews per client', () => {
  it('answers 429 with Retry-After once one client has asked 120 times in a minute (a probe sent 130 unanswered)', async () => {
    const unknownToken = 'x'.repeat(43);
    // The earlier tests of this file previewed a few invitations this minute too: at most 120 more are answered.
    const answers: Array<{ status: number; retryAfter: string | null }> = [];
    for (let i = 0; i < 125; i += 1) {
      const res = await api('GET', `/api/v1/invitations/${unknownToken}`);
      answers.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
    }
    const firstLimited = answers.findIndex((a) => a.status === 429);
    expect(firstLimited).toBeGreaterThan(100);
    expect(firstLimited).toBeLessThanOrEqual(120);
    expect(answers.slice(0, firstLimited).every((a) => a.status === 404)).toBe(true);
    expect(answers.slice(firstLimited).every((a) => a.status === 429 && /^\d+$/.test(a.retryAfter ?? ''))).toBe(true);
  }, 60_000);
});
