// The invitations core (issue #16): a link mailed through the outbox, a QR code of the same link for
// the inviter only, a public preview, and a single-use acceptance by the account the invitation is
// addressed to. Invitations are made here with the use case (the location routes that make them
// are covered in locations.test.ts) on the seed's operator-made team and site.
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
    const qr = await fetch(`${rt.url}/api/v1/invitations/${invitation.invitationId}/qr.svg`, { headers: { authorization: `Bearer ${inviter.token}` } });
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toBe('image/svg+xml');
    expect(await qr.text()).toBe(await qrSvg(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    const stranger = await aSignedInAccount(rt);
    expect((await api('GET', `/api/v1/invitations/${invitation.invitationId}/qr.svg`, { token: stranger.token })).status).toBe(404);

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
    expect((await api('GET', `/api/v1/invitations/${invitation.invitationId}/qr.svg`, { token: inviter.token })).status).toBe(410);
  }, 60_000);

  it('answers 404 for a token nobody issued', async () => {
    expect((await api('GET', `/api/v1/invitations/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await api('GET', '/api/v1/invitations/short')).status).toBe(404);
  });
});
