// The HTML of the installer job page (issue #14): the app shell for a valid link, and the plain
// pages for a link that does not exist or no longer works. The shell carries no job data: the
// page's script loads the job from the public JSON API, so what a person sees and what the API
// answers are the same thing, and this HTML can be answered without reading the job.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { withPageSecurityHeaders } from '../http/security-headers';
import { INVITATION_PAGE_SCRIPT, JOB_PAGE_SCRIPT, JOB_PAGE_STYLE, type JobPageAsset } from './job-page-assets.gen';

/**
 * Where the assets of every page are served (lib/routes.ts PAGE_ROUTES). Absolute, so `/jobs/{token}/`
 * finds them too. The invitation page (lib/web/invitation-page.ts) is served from here as well: one
 * asset route, and its path stays where the deployed route already is.
 */
export const JOB_PAGE_ASSET_PATH = '/jobs/assets/';

export const JOB_PAGE_ASSETS: ReadonlyMap<string, JobPageAsset> = new Map([JOB_PAGE_SCRIPT, INVITATION_PAGE_SCRIPT, JOB_PAGE_STYLE].map((a) => [a.file, a]));

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page: the shared style sheet and, for an app shell, its script (none for a plain page). */
export function documentHtml(title: string, body: string, script: JobPageAsset | null): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${JOB_PAGE_ASSET_PATH}${JOB_PAGE_STYLE.file}">
${script ? `<script src="${JOB_PAGE_ASSET_PATH}${script.file}" defer></script>\n` : ''}</head>
<body>
${body}
</body>
</html>
`;
}

/** The app shell: the script finds the job's API from `data-api`. */
export function jobPageShell(token: string): string {
  const api = `/api/v1/public/jobs/${encodeURIComponent(token)}`;
  return documentHtml(
    'Installation job',
    `<main id="app" data-api="${escapeHtml(api)}" aria-busy="true">
<p class="loading">Loading the job…</p>
<noscript><p class="plain">This page needs JavaScript to show the job and save your changes.</p></noscript>
</main>`,
    JOB_PAGE_SCRIPT,
  );
}

/**
 * A link that is unknown (404) or expired/revoked (410): what happened and whom to ask, nothing about
 * the job. `whomToAsk` is the API's problem detail for a 410 (`Ask <operator> for a new link.`).
 */
export function linkProblemPage(status: 404 | 410, whomToAsk?: string): string {
  const [title, text] =
    status === 404
      ? ['This job link does not exist', 'Check that you opened the whole link from the message you were sent. If it still does not work, ask whoever sent it for a new link.']
      : ['This job link no longer works', 'It has expired or has been revoked.'];
  return documentHtml(
    title,
    `<main class="plain-page">
<div class="plain">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p>
${whomToAsk ? `<p><strong>${escapeHtml(whomToAsk)}</strong></p>\n` : ''}</div>
</main>`,
    null,
  );
}

/** Anything else that stops the page (the server failed, too many requests): try again later. */
export function errorPage(text: string): string {
  return documentHtml('The job page is not available', `<main class="plain-page">\n<div class="plain">\n<h1>The job page is not available</h1>\n<p>${escapeHtml(text)}</p>\n</div>\n</main>`, null);
}

export function htmlResponse(statusCode: number, html: string, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: withPageSecurityHeaders({ 'content-type': 'text/html; charset=utf-8', ...headers }), body: html };
}
