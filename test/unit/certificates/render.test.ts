// The handover certificate PDF, read back the way a person would: text extracted by poppler's
// pdftotext, word boxes to prove nothing is off the page or drawn over something else.
import fc from 'fast-check';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCertificateFonts } from '../../../lib/certificates/fonts';
import { fontCharacterSet, foldText, renderHandoverCertificate } from '../../../lib/certificates/render';
import { aChargePoint, aHandoverCertificate } from '../../fixtures/certificates/handover-data';
import { pdfPageCount, pdfText, pdfWords, type PlacedWord } from '../../fixtures/certificates/poppler';

const flat = (text: string) => text.replace(/\s+/g, ' ');
const MARGIN = 48;
const FOOTER_TOP = 44; // points from the bottom: the footer rule

/** Every word inside the margins, clear of the footer, and on top of no other word. */
function expectLaidOutCleanly(words: readonly PlacedWord[]): void {
  expect(words.length).toBeGreaterThan(0);
  const problems: string[] = [];
  const where = (w: PlacedWord) => `"${w.text}" (page ${w.page}, x ${w.xMin.toFixed(1)}-${w.xMax.toFixed(1)}, y ${w.yMin.toFixed(1)}-${w.yMax.toFixed(1)})`;
  for (const w of words) {
    if (w.xMin < MARGIN - 0.5 || w.xMax > w.pageWidth - MARGIN + 0.5) problems.push(`${where(w)} is outside the side margins`);
    if (w.yMin < 0 || w.yMax > w.pageHeight) problems.push(`${where(w)} is off the page`);
    const inFooter = w.yMin >= w.pageHeight - FOOTER_TOP;
    if (!inFooter && w.yMax > w.pageHeight - FOOTER_TOP - 4) problems.push(`${where(w)} runs into the footer`);
  }
  // Sweep by top edge: only words whose vertical ranges meet can overlap.
  const sorted = [...words].sort((a, b) => a.page - b.page || a.yMin - b.yMin);
  sorted.forEach((a, i) => {
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j]!;
      if (b.page !== a.page || b.yMin >= a.yMax - 0.5) break;
      const overlapX = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
      const overlapY = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
      if (overlapX > 0.5 && overlapY > 0.5) problems.push(`${where(a)} overlaps ${where(b)}`);
    }
  });
  expect(problems).toEqual([]);
}

describe('renderHandoverCertificate', () => {
  it('shows the project, site, parties, every charge point with its checks, and the checklist', async () => {
    // Prepare
    const data = aHandoverCertificate({
      chargePoints: [
        aChargePoint(1),
        aChargePoint(2, { checks: [{ name: 'heartbeat', status: 'passed', detail: 'Heartbeat after TriggerMessage', at: '2025-05-14T09:12:09Z' }] }),
      ],
    });

    // Act
    const pdf = await renderHandoverCertificate(data);
    const text = flat(pdfText(pdf));

    // Assess
    expect(text).toContain('Handover Certificate');
    for (const expected of [
      data.certificateId,
      data.project.name,
      data.project.jobNumber,
      data.project.id,
      data.site.name,
      data.site.address,
      data.siteOwner.name,
      data.operator.name,
      data.installer.name,
      data.installer.email,
      '2025-05-14 10:32 UTC',
    ]) {
      expect(text).toContain(expected);
    }
    for (const cp of data.chargePoints) {
      for (const value of [cp.serialNumber, cp.vendor, cp.model, cp.firmwareVersion, cp.ocppProtocol]) expect(text).toContain(value);
      for (const check of cp.checks) {
        expect(text).toContain(check.label ?? check.name);
        expect(text).toContain(check.detail);
      }
    }
    expect(text).toContain('heartbeat'); // no label: the name is shown
    expect(text).toContain('2025-05-14 09:12:09');
    for (const item of data.checklist) {
      expect(text).toContain(item.label);
      expect(text).toContain(item.result);
    }
    expect(text).toContain('not supported');
    expect(text).toContain(flat(data.verificationNote));
    expectLaidOutCleanly(pdfWords(pdf));
  });

  it('paginates a long project without cutting anything: every serial and check is there, inside the margins', { timeout: 30_000 }, async () => {
    const chargePoints = Array.from({ length: 60 }, (_, i) => aChargePoint(i + 1));
    const data = aHandoverCertificate({ chargePoints });

    const pdf = await renderHandoverCertificate(data);
    const text = flat(pdfText(pdf));

    const pages = pdfPageCount(pdf);
    expect(pages).toBeGreaterThan(1);
    for (const cp of chargePoints) {
      // Once in the overview, once above its checks.
      expect(text.split(cp.serialNumber).length - 1).toBeGreaterThanOrEqual(2);
    }
    expect(text.split('OCPP connection').length - 1).toBe(60);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    expect(text).toContain('(continued)');
    for (const item of data.checklist) expect(text).toContain(item.label);
    expectLaidOutCleanly(pdfWords(pdf));
  });

  it('wraps long values and splits a value taller than a page across pages', async () => {
    const detail = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const longSerial = `SERIAL${'X'.repeat(150)}END`;
    const data = aHandoverCertificate({
      project: { id: 'prj_1', jobNumber: 'JOB-1', name: 'A project name that is long enough to need more than one line '.repeat(3) },
      chargePoints: [aChargePoint(1, { serialNumber: longSerial, checks: [{ name: 'long_detail', status: 'failed', detail }] })],
    });

    const pdf = await renderHandoverCertificate(data);

    const words = pdfWords(pdf);
    expectLaidOutCleanly(words);
    const shown = new Set(words.map((w) => w.text));
    for (let i = 0; i < 400; i++) expect(shown.has(`word${i}`), `word${i} is missing`).toBe(true);
    expect(new Set(words.filter((w) => w.text.startsWith('word')).map((w) => w.page)).size).toBeGreaterThan(1);
    expect(flat(pdfText(pdf)).replace(/ /g, '')).toContain(longSerial);
  });

  it('prints Polish, Danish, Greek and Cyrillic names as written', async () => {
    // Prepare: names where the old Helvetica (WinAnsi) rendering printed `?` or dropped accents.
    const data = aHandoverCertificate({
      installer: { name: 'Łukasz Żółć', email: 'lukasz@example.com' },
      site: { name: 'Ærøskøbing Havn', address: 'Σοφία Οδός 3, Αθήνα', country: 'DK' },
      siteOwner: { name: 'Дмитрий Шостакович' },
      project: { id: 'prj_1', jobNumber: 'JOB-Ω', name: 'Zażółć gęślą jaźń' },
    });

    // Act
    const pdf = await renderHandoverCertificate(data);
    const text = flat(pdfText(pdf));

    // Assess
    for (const name of ['Łukasz Żółć', 'Ærøskøbing', 'Σοφία', 'Αθήνα', 'Дмитрий', 'Шостакович', 'Zażółć gęślą jaźń', 'JOB-Ω']) {
      expect(text).toContain(name);
    }
    expect(text).not.toContain('?');
    expectLaidOutCleanly(pdfWords(pdf));
  });

  it('does not throw on emoji, CJK, control and format characters, and folds what the font cannot show', async () => {
    const data = aHandoverCertificate({
      project: { id: 'prj_1', jobNumber: 'JOB\u0000\u0007\u001b-7', name: 'Łódź Ａｂｃ Zürich 東京 🚗⚡ 👩🏽‍🔧 e\u0301 \u202Eevil\u202C\u200B' },
      site: { name: 'Straße\r\nnext line\ttab', address: '“Quoted” — €5 … ‰', country: 'PL' },
      installer: { name: 'Zoë\uFEFF O’Brien', email: 'zoe@example.com' },
    });

    const pdf = await renderHandoverCertificate(data);
    const text = flat(pdfText(pdf));

    // DejaVu Sans Condensed has ⚡ but no CJK, no 🚗 and no full-width forms.
    expect(text).toContain('Łódź Abc Zürich ?? ?⚡ ? é evil');
    expect(text).toContain('JOB-7');
    expect(text).toContain('Straße next line tab');
    expect(text).toContain('“Quoted” — €5 … ‰');
    expect(text).toContain('Zoë O’Brien');
    expectLaidOutCleanly(pdfWords(pdf));
  });

  it('embeds subset fonts, so a certificate stays small', async () => {
    const pdf = await renderHandoverCertificate(aHandoverCertificate({ installer: { name: 'Дмитрий', email: 'd@example.com' } }));
    // The three full TTFs are 1.9 MB; subset, the whole certificate is a few tens of KB.
    expect(pdf.byteLength).toBeLessThan(120_000);
  });

  it('renders the same bytes for the same data, dated at the handover', async () => {
    const data = aHandoverCertificate();

    const first = await renderHandoverCertificate(data);
    const second = await renderHandoverCertificate(structuredClone(data));

    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const doc = await PDFDocument.load(first, { updateMetadata: false });
    expect(doc.getCreationDate()?.toISOString()).toBe('2025-05-14T10:32:00.000Z');
    expect(doc.getModificationDate()?.toISOString()).toBe('2025-05-14T10:32:00.000Z');
    expect(doc.getTitle()).toBe(`Handover certificate ${data.certificateId}`);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]); // A4
  });

  it('renders a project without charge points or checklist items', async () => {
    const pdf = await renderHandoverCertificate(aHandoverCertificate({ chargePoints: [], checklist: [] }));
    const text = flat(pdfText(pdf));
    expect(text).toContain('Charge points (0)');
    expect(text).toContain('No checklist items recorded.');
  });

  it('refuses a handover time that is not a date', async () => {
    await expect(renderHandoverCertificate(aHandoverCertificate({ handedOverAt: 'yesterday' }))).rejects.toThrow(/handedOverAt/);
  });
});

describe('foldText', () => {
  let dejaVu: ReadonlySet<number>;
  beforeAll(async () => {
    const doc = await PDFDocument.create();
    doc.registerFontkit(fontkit);
    dejaVu = fontCharacterSet(await doc.embedFont((await loadCertificateFonts()).regular, { subset: true }));
  });

  it.each([
    ['Déjà vu', 'Déjà vu'],
    ['Łódź', 'Łódź'],
    ['Σοφία', 'Σοφία'],
    ['Дмитрий', 'Дмитрий'],
    ['ő', 'ő'],
    ['Ａ', 'A'],
    ['東京', '??'],
    ['👩🏽‍🔧', '?'],
    ['a\r\nb\rc\nd\u2028e', 'a\nb\nc\nd\ne'],
    ['a\tb', 'a b'],
    ['a\u0000\u001f\u007f\u200b\u200d\u202e\ufeffb', 'ab'],
    ['e\u0301', 'é'],
    ['€ – — “ ” ‘ ’ … • ™', '€ – — “ ” ‘ ’ … • ™'],
  ])('%j → %j with DejaVu Sans Condensed', (input, expected) => {
    expect(foldText(input, dejaVu)).toBe(expected);
  });

  it.each([
    ['Łódź', 'Lodz'],
    ['ﬁ', 'fi'],
    ['Σ', '?'],
  ])('%j → %j for a font with ASCII only', (input, expected) => {
    const ascii = new Set(Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i));
    expect(foldText(input, ascii)).toBe(expected);
  });

  it('turns any string into characters the font has a glyph for', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (input) => {
        for (const ch of foldText(input, dejaVu)) expect(ch === '\n' || dejaVu.has(ch.codePointAt(0) ?? -1)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it.each(['\r', 'a\rb', '\u2028', 'x\u0085y', 'line\r\nbreak'])('renders a project name with line separators (%j) on one-line places', async (name) => {
    // Found by the property below: folding turns \r into \n, which the running head cannot draw.
    const pdf = await renderHandoverCertificate(aHandoverCertificate({ project: { id: 'prj_1', jobNumber: 'J-1', name } }));
    expect(pdf.byteLength).toBeGreaterThan(1000);
  });

  it('renders any project name without throwing', { timeout: 30_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (name) => {
        const pdf = await renderHandoverCertificate(aHandoverCertificate({ project: { id: 'prj_1', jobNumber: 'J-1', name } }));
        expect(pdf.byteLength).toBeGreaterThan(1000);
      }),
      { numRuns: 25 },
    );
  });
});
