// The job page's assets are built from web/job/ into a committed module (lib/web/job-page-assets.gen.ts)
// so every environment serves the same bytes; the module must be what the sources build today.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_MODULE, generateJobPageAssets } from '../../scripts/gen-job-page-assets';
import { escapeHtml, jobPageShell, JOB_PAGE_ASSETS, linkProblemPage } from '../../lib/web/job-page';

describe('job page assets', () => {
  it('are up to date with web/job/ (regenerate with: npx tsx scripts/gen-job-page-assets.ts)', async () => {
    expect(readFileSync(GENERATED_MODULE, 'utf8')).toBe(await generateJobPageAssets());
  });

  it('are named by their content, so a year of caching is safe', () => {
    for (const [file, asset] of JOB_PAGE_ASSETS) expect(file).toMatch(new RegExp(`^app\\.${asset.etag.slice(1, -1)}\\.(js|css)$`));
  });

  it('are referenced by the shell and there is no inline script or style (the CSP forbids them)', () => {
    const html = jobPageShell('tok');
    for (const file of JOB_PAGE_ASSETS.keys()) expect(html).toContain(`/jobs/assets/${file}`);
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
