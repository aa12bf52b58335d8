// The HTML of the invitation page (issue #16): what the link in an invitation mail and QR code opens,
// on the invitee's phone. Like the job page (lib/web/job-page.ts, whose document, style sheet and
// asset route it shares) the shell carries nothing of the invitation: the script loads the preview
// from the JSON API (GET /api/v1/invitations/{token}), and a link that does not work gets a plain
// page saying so, with nothing about who invited whom.
import { INVITATION_PAGE_SCRIPT } from './job-page-assets.gen';
import { documentHtml, escapeHtml } from './job-page';

/** The app shell: the script finds the invitation's API from `data-api`. */
export function invitationPageShell(token: string): string {
  const api = `/api/v1/invitations/${encodeURIComponent(token)}`;
  return documentHtml(
    'Invitation',
    `<main id="app" data-api="${escapeHtml(api)}" aria-busy="true">
<p class="loading">Loading the invitation…</p>
<noscript><p class="plain">This page needs JavaScript to show the invitation and accept it.</p></noscript>
</main>`,
    INVITATION_PAGE_SCRIPT,
  );
}

/** Why a link no longer works, in words (the API's problem `state` for a 410). */
const GONE_TEXT: Readonly<Record<string, string>> = {
  accepted: 'It has already been used: an invitation link works once.',
  revoked: 'It has been withdrawn by whoever sent it.',
  expired: 'It has expired: an invitation link works for 7 days.',
};

/**
 * A link that is unknown (404) or used, withdrawn or expired (410): what happened and that the
 * inviter can send a new one. Nothing about the invitation itself.
 */
export function invitationProblemPage(status: 404 | 410, state?: string): string {
  const [title, text] =
    status === 404
      ? ['This invitation link does not exist', 'Check that you opened the whole link from the email, or scan the QR code again.']
      : ['This invitation link no longer works', GONE_TEXT[state ?? ''] ?? 'It can no longer be accepted.'];
  return plainPage(title, [text, 'Ask whoever invited you for a new invitation.']);
}

/** Anything else that stops the page (the server failed, too many requests): try again later. */
export function invitationErrorPage(text: string): string {
  return plainPage('The invitation page is not available', [text]);
}

function plainPage(title: string, paragraphs: readonly string[]): string {
  return documentHtml(
    title,
    `<main class="plain-page">
<div class="plain">
<h1>${escapeHtml(title)}</h1>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
</div>
</main>`,
    null,
  );
}
