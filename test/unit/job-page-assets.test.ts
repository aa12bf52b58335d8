// The job page's assets are built from web/job/ into a committed module (lib/web/job-page-assets.gen.ts)
// so every environment serves the same bytes; the module must be what the sources build today.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_MODULE, generateJobPageAssets } from '../../scripts/gen-job-page-assets';
import { escapeHtml, jobPageShell, JOB_PAGE_ASSETS, linkProblemPage } from '../../lib/web/job-page';
import { invitationPageShell, invitationProblemPage } from '../../lib/web/invitation-page';
import { INVITATION_PAGE_SCRIPT, JOB_PAGE_SCRIPT, JOB_PAGE_STYLE } from '../../lib/web/job-page-assets.gen';

describe('job page assets', () => {
  it('are up to date with web/job/ (regenerate with: npx tsx scripts/gen-job-page-assets.ts)', async () => {
    expect(readFileSync(GENERATED_MODULE, 'utf8')).toBe(await generateJobPageAssets());
  });

  it('are named by their content, so a year of caching is safe', () => {
    for (const [file, asset] of JOB_PAGE_ASSETS) expect(file).toMatch(new RegExp(`^(app|invitation)\\.${asset.etag.slice(1, -1)}\\.(js|css)$`));
  });

  it('are referenced by the shell and there is no inline script or style (the CSP forbids them)', () => {
    const html = jobPageShell('tok');
    for (const file of [JOB_PAGE_SCRIPT.file, JOB_PAGE_STYLE.file]) expect(html).toContain(`/jobs/assets/${file}`);
    expect(html).not.toContain(INVITATION_PAGE_SCRIPT.file);
    expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
  });

  it('serve the invitation page through the same asset route: its own script, the shared style sheet', () => {
    expect(JOB_PAGE_ASSETS.get(INVITATION_PAGE_SCRIPT.file)).toBe(INVITATION_PAGE_SCRIPT);
    const html = invitationPageShell('tok');
    for (const file of [INVITATION_PAGE_SCRIPT.file, JOB_PAGE_STYLE.file]) expect(html).toContain(`/jobs/assets/${file}`);
    expect(html).not.toContain(JOB_PAGE_SCRIPT.file);
    expect(html).toContain('data-api="/api/v1/invitations/tok"');
    expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
  });
});

describe('job page HTML', () => {
  it('escapes what it puts into markup', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
    expect(jobPageShell('"><script>')).not.toContain('"><script>');
  });

  it('says on a 410 page whom to ask, and on neither page anything but the link problem', () => {
    const gone = linkProblemPage(410, 'Ask Nordic Charge for a new link.');
    expect(gone).toContain('This job link no longer works');
    expect(gone).toContain('Ask Nordic Charge for a new link.');
    expect(gone).not.toContain('<script');
    expect(linkProblemPage(404)).toContain('This job link does not exist');
  });
});

describe('invitation page HTML', () => {
  it('says on a 410 page why and to ask the inviter for a new one, with no script; a 404 page says the link is unknown', () => {
    const used = invitationProblemPage(410, 'accepted');
    expect(used).toContain('This invitation link no longer works');
    expect(used).toContain('already been used');
    expect(used).toContain('Ask whoever invited you for a new invitation.');
    expect(used).not.toContain('<script');
    expect(invitationProblemPage(410, 'expired')).toContain('expired');
    expect(invitationProblemPage(404)).toContain('This invitation link does not exist');
    expect(invitationPageShell('"><script>')).not.toContain('"><script>');
  });
});
