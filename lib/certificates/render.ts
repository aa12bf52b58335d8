// The handover certificate as a PDF: A4, set in an embedded Unicode font (DejaVu Sans Condensed, from the
// certificate-fonts layer, see ./fonts.ts), tables that wrap long values and continue on the next
// page with their header repeated.
//
// Names print as written (Łukasz Żółć, Ærøskøbing, Σοφία, Дмитрий). The fonts are subset, so a
// certificate carries only the glyphs it uses. What the font has no glyph for is folded by
// `foldText` (full-width Ａ becomes A) or shown as `?` (emoji, CJK: DejaVu has none).
//
// The output is a pure function of the data: the PDF dates are the handover time, nothing reads
// the clock or a random source (pdf-lib's font-name suffix comes from a fixed-seed generator), so
// the same data renders to the same bytes.
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFFont, PDFPage, PageSizes, rgb, type RGB } from 'pdf-lib';
import { loadCertificateFonts } from './fonts';

/** One commissioning check of a charge point, as recorded (`ocpp_connection`, `firmware_version`, `heartbeat`). */
export interface CertificateCheck {
  readonly name: string;
  /** What is printed instead of `name`, e.g. `OCPP connection`. */
  readonly label?: string;
  /** `passed`, `failed`, `pending`… printed as given. */
  readonly status: string;
  readonly detail?: string;
  /** ISO 8601. */
  readonly at?: string;
}

export interface CertificateChargePoint {
  readonly serialNumber: string;
  readonly vendor?: string;
  readonly model?: string;
  readonly firmwareVersion?: string;
  /** Printed under the version when the charge point did not report it, e.g. `(recorded by installer: <reason>)`. */
  readonly firmwareNote?: string;
  /** `ocpp1.6` or `ocpp2.0.1`. */
  readonly ocppProtocol: string;
  readonly connectorCount: number;
  /** `completed` at handover. */
  readonly commissioningStatus?: string;
  readonly checks: readonly CertificateCheck[];
}

/** One item of the site checklist (meter calibration, emergency stop tested, …). */
export interface CertificateChecklistItem {
  readonly name: string;
  /** What is printed instead of `name`. */
  readonly label?: string;
  /** `passed`, `not supported`… printed as given. */
  readonly result: string;
  /** Who recorded it. */
  readonly by?: string;
  /** ISO 8601. */
  readonly at?: string;
  readonly note?: string;
}

export interface HandoverCertificateData {
  readonly certificateId: string;
  readonly project: { readonly id: string; readonly jobNumber: string; readonly name: string };
  readonly site: { readonly name: string; readonly address: string; readonly country: string };
  /** The team the site belongs to. */
  readonly siteOwner: { readonly name: string };
  readonly operator: { readonly name: string };
  readonly installer: { readonly name: string; readonly email: string };
  /** ISO 8601; also the PDF's creation and modification date. */
  readonly handedOverAt: string;
  readonly chargePoints: readonly CertificateChargePoint[];
  readonly checklist: readonly CertificateChecklistItem[];
  /** How a reader checks the document is genuine; printed at the end. */
  readonly verificationNote: string;
}

export const CERTIFICATE_PRODUCER = 'chargepoint-commissioning';

// Layout, in PDF points (1/72 in). A4 is 595.28 x 841.89.
const [PAGE_W, PAGE_H] = PageSizes.A4 as [number, number];
const MARGIN_X = 48;
const TOP = PAGE_H - 48;
const BOTTOM = 62; // leaves room for the footer
const CONTENT_W = PAGE_W - 2 * MARGIN_X;
const CELL_PAD_X = 5;
const CELL_PAD_Y = 4;
const TABLE_SIZE = 8.5;
const TABLE_LEADING = 11;
/** Height available for content on a continuation page (below the running head). */
const PAGE_CAPACITY = TOP - 22 - BOTTOM;

const INK = rgb(0.13, 0.15, 0.18);
const MUTED = rgb(0.42, 0.45, 0.5);
const ACCENT = rgb(0.04, 0.36, 0.42);
const ACCENT_LIGHT = rgb(0.9, 0.95, 0.95);
const HEADER_FILL = rgb(0.93, 0.94, 0.95);
const RULE = rgb(0.8, 0.82, 0.85);
const GOOD = rgb(0.08, 0.46, 0.22);
const BAD = rgb(0.72, 0.1, 0.1);
const NEUTRAL = rgb(0.55, 0.38, 0.02);

interface Fonts {
  readonly regular: PDFFont;
  readonly bold: PDFFont;
  readonly italic: PDFFont;
}

type Align = 'left' | 'center' | 'right';

interface Column {
  readonly header: string;
  /** Share of the table width; a table's shares add up to 1. */
  readonly share: number;
  readonly align?: Align;
}

interface Cell {
  readonly text: string;
  readonly bold?: boolean;
  readonly color?: RGB;
}

export async function renderHandoverCertificate(data: HandoverCertificateData): Promise<Uint8Array> {
  const handedOverAt = new Date(data.handedOverAt);
  if (Number.isNaN(handedOverAt.getTime())) throw new RangeError(`handedOverAt is not a date: ${data.handedOverAt}`);

  const fontBytes = await loadCertificateFonts();
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  // Ligatures off: text is measured one character at a time, and a ligature glyph (ﬁ) would make
  // pdftotext and screen readers see a different character than the data had.
  const embed = (bytes: Uint8Array) => doc.embedFont(bytes, { subset: true, features: { liga: false, clig: false, dlig: false } });
  const fonts: Fonts = {
    regular: await embed(fontBytes.regular),
    bold: await embed(fontBytes.bold),
    italic: await embed(fontBytes.italic),
  };
  // Metadata strings are UTF-16 in the PDF, so they keep the original characters.
  doc.setTitle(`Handover certificate ${data.certificateId}`, { showInWindowTitleBar: true });
  doc.setSubject(`Installation and commissioning of ${data.project.name} (job ${data.project.jobNumber})`);
  doc.setAuthor(data.operator.name);
  doc.setKeywords(['handover certificate', data.certificateId, data.project.id, data.project.jobNumber]);
  doc.setCreator(CERTIFICATE_PRODUCER);
  doc.setProducer(`${CERTIFICATE_PRODUCER} (pdf-lib)`);
  doc.setLanguage('en');
  doc.setCreationDate(handedOverAt);
  doc.setModificationDate(handedOverAt);

  const w = new Writer(doc, fonts, `Handover certificate  ·  ${data.project.name}  ·  Job ${data.project.jobNumber}`);
  drawTitleBlock(w, data);
  drawSummary(w, data);
  drawChargePointOverview(w, data.chargePoints);
  drawChecks(w, data.chargePoints);
  drawChecklist(w, data.checklist);
  w.heading('Verification', 40);
  w.paragraph(data.verificationNote, { size: 9, leading: 12.5 });
  w.footers(`Certificate ${data.certificateId}`);

  return doc.save();
}

function drawTitleBlock(w: Writer, data: HandoverCertificateData): void {
  const page = w.page;
  const { regular, bold } = w.fonts;
  page.drawRectangle({ x: 0, y: PAGE_H - 10, width: PAGE_W, height: 10, color: ACCENT });

  const rightW = 190;
  const leftW = CONTENT_W - rightW - 16;
  let y = TOP - 14;
  for (const line of wrap('Handover Certificate', bold, 22, leftW)) {
    page.drawText(line, { x: MARGIN_X, y, size: 22, font: bold, color: ACCENT });
    y -= 26;
  }
  for (const line of wrap('EV charge point installation and commissioning', regular, 11, leftW)) {
    page.drawText(line, { x: MARGIN_X, y: y + 4, size: 11, font: regular, color: MUTED });
    y -= 14;
  }

  // Right-hand block: certificate number and date.
  let ry = TOP - 6;
  const rightX = MARGIN_X + CONTENT_W - rightW;
  const right = (text: string, font: PDFFont, size: number, color: RGB) => {
    for (const line of wrap(text, font, size, rightW)) {
      page.drawText(line, { x: rightX + rightW - textWidth(line, font, size), y: ry, size, font, color });
      ry -= size + 3;
    }
  };
  right('CERTIFICATE NO.', bold, 7, MUTED);
  right(data.certificateId, bold, 9.5, INK);
  ry -= 4;
  right('HANDED OVER', bold, 7, MUTED);
  right(formatTime(data.handedOverAt), regular, 9.5, INK);

  w.y = Math.min(y, ry) - 6;
  page.drawLine({ start: { x: MARGIN_X, y: w.y }, end: { x: MARGIN_X + CONTENT_W, y: w.y }, thickness: 1.2, color: ACCENT });
  w.y -= 18;

  const n = data.chargePoints.length;
  w.paragraph(
    `This certifies that the ${n === 1 ? 'charge point' : `${n} charge points`} listed below ${n === 1 ? 'was' : 'were'} installed ` +
      `and commissioned at ${data.site.name} and handed over to ${data.siteOwner.name} on ${formatTime(data.handedOverAt)}, ` +
      `with the commissioning checks and the site checklist recorded below.`,
    { size: 9.5, leading: 13 },
  );
  w.y -= 6;
}

function drawSummary(w: Writer, data: HandoverCertificateData): void {
  w.heading('Project and site', 60);
  const row = (label: string, value: string): Cell[] => [{ text: label, bold: true, color: MUTED }, { text: value }];
  w.table(
    [
      { header: '', share: 0.26 },
      { header: '', share: 0.74 },
    ],
    [
      row('Project', data.project.name),
      row('Job number', data.project.jobNumber),
      row('Project ID', data.project.id),
      row('Site', data.site.name),
      row('Site address', data.site.address),
      row('Country', data.site.country),
      row('Site owner', data.siteOwner.name),
      row('Charge point operator', data.operator.name),
      row('Installer', `${data.installer.name} <${data.installer.email}>`),
      row('Handed over at', formatTime(data.handedOverAt)),
    ],
    { header: false, labelFill: true, continued: 'Project and site' },
  );
}

function drawChargePointOverview(w: Writer, chargePoints: readonly CertificateChargePoint[]): void {
  w.heading(`Charge points (${chargePoints.length})`, 60);
  if (chargePoints.length === 0) {
    w.paragraph('No charge points are part of this project.', { size: 9, leading: 12 });
    return;
  }
  w.table(
    [
      { header: '#', share: 0.04, align: 'right' },
      { header: 'Serial number', share: 0.18 },
      { header: 'Vendor', share: 0.12 },
      { header: 'Model', share: 0.18 },
      { header: 'Firmware', share: 0.12 },
      { header: 'Protocol', share: 0.1 },
      { header: 'Connectors', share: 0.11, align: 'right' },
      { header: 'Commissioning', share: 0.15 },
    ],
    chargePoints.map((cp, i) => [
      { text: String(i + 1), color: MUTED },
      { text: cp.serialNumber, bold: true },
      { text: orDash(cp.vendor) },
      { text: orDash(cp.model) },
      { text: cp.firmwareNote ? `${orDash(cp.firmwareVersion)}\n${cp.firmwareNote}` : orDash(cp.firmwareVersion) },
      { text: cp.ocppProtocol },
      { text: String(cp.connectorCount) },
      { text: orDash(cp.commissioningStatus), color: statusColor(cp.commissioningStatus) },
    ]),
    { continued: 'Charge points' },
  );
}

function drawChecks(w: Writer, chargePoints: readonly CertificateChargePoint[]): void {
  if (chargePoints.length === 0) return;
  w.heading('Commissioning checks', 90);
  chargePoints.forEach((cp, i) => {
    const what = [cp.vendor, cp.model].filter((s) => s !== undefined && s !== '').join(' ');
    const title = `${i + 1}.  ${cp.serialNumber}${what ? `  ·  ${what}` : ''}`;
    if (cp.checks.length === 0) {
      w.subheading(title, 20);
      w.paragraph('No commissioning checks recorded.', { size: 8.5, leading: 12, font: w.fonts.italic, color: MUTED });
      w.y -= 8;
      return;
    }
    const columns: Column[] = [
      { header: 'Check', share: 0.22 },
      { header: 'Result', share: 0.13 },
      { header: 'Detail', share: 0.45 },
      { header: 'Time (UTC)', share: 0.2 },
    ];
    const rows = cp.checks.map((c): Cell[] => [
      { text: c.label ?? c.name },
      { text: c.status, bold: true, color: statusColor(c.status) },
      { text: orDash(c.detail) },
      { text: c.at ? formatTime(c.at, false) : '—' },
    ]);
    // A charge point's checks stay on one page with its title when they can.
    const height = w.tableHeight(columns, rows);
    w.subheading(title, height <= PAGE_CAPACITY - 40 ? height : 50);
    w.table(columns, rows, { continued: `${i + 1}.  ${cp.serialNumber}` });
    w.y -= 6;
  });
}

function drawChecklist(w: Writer, items: readonly CertificateChecklistItem[]): void {
  const columns: Column[] = [
    { header: 'Item', share: 0.34 },
    { header: 'Result', share: 0.17 },
    { header: 'Recorded by', share: 0.27 },
    { header: 'Time (UTC)', share: 0.22 },
  ];
  const rows = items.map((item): Cell[] => [
    { text: item.note ? `${item.label ?? item.name}\n${item.note}` : (item.label ?? item.name) },
    { text: item.result, bold: true, color: statusColor(item.result) },
    { text: orDash(item.by) },
    { text: item.at ? formatTime(item.at, false) : '—' },
  ]);
  // A checklist that fits on a page is not split.
  const height = w.tableHeight(columns, rows);
  w.heading('Site checklist', height <= PAGE_CAPACITY - 40 ? height : 60);
  if (items.length === 0) {
    w.paragraph('No checklist items recorded.', { size: 9, leading: 12 });
    return;
  }
  w.table(columns, rows, { continued: 'Site checklist' });
}

/** A cursor over pages: adds a page when the next block does not fit. */
class Writer {
  readonly pages: PDFPage[] = [];
  page: PDFPage;
  y = TOP;

  constructor(
    private readonly doc: PDFDocument,
    readonly fonts: Fonts,
    private readonly runningHead: string,
  ) {
    this.page = this.addPage(false);
  }

  private addPage(withHead: boolean): PDFPage {
    const page = this.doc.addPage([PAGE_W, PAGE_H]);
    this.pages.push(page);
    this.page = page;
    this.y = TOP;
    if (withHead) {
      const size = 7.5;
      const text = ellipsize(oneLine(this.runningHead, this.fonts.regular), this.fonts.regular, size, CONTENT_W);
      page.drawRectangle({ x: 0, y: PAGE_H - 4, width: PAGE_W, height: 4, color: ACCENT });
      page.drawText(text, { x: MARGIN_X, y: TOP, size, font: this.fonts.regular, color: MUTED });
      page.drawLine({ start: { x: MARGIN_X, y: TOP - 5 }, end: { x: MARGIN_X + CONTENT_W, y: TOP - 5 }, thickness: 0.5, color: RULE });
      this.y = TOP - 22;
    }
    return page;
  }

  newPage(): void {
    this.addPage(true);
  }

  /** Starts a new page unless `height` more points fit on this one. */
  ensure(height: number): void {
    if (this.y - height < BOTTOM) this.newPage();
  }

  /** A section heading, kept on the same page as the first `keepWith` points that follow it. */
  heading(text: string, keepWith: number): void {
    const size = 12.5;
    const lines = wrap(text, this.fonts.bold, size, CONTENT_W);
    this.ensure(lines.length * 16 + 8 + keepWith);
    this.y -= 6;
    for (const line of lines) {
      this.y -= size;
      this.page.drawText(line, { x: MARGIN_X, y: this.y, size, font: this.fonts.bold, color: ACCENT });
      this.y -= 3.5;
    }
    this.page.drawLine({ start: { x: MARGIN_X, y: this.y }, end: { x: MARGIN_X + CONTENT_W, y: this.y }, thickness: 0.6, color: ACCENT });
    this.y -= 8;
  }

  /** A charge point's title bar within a section. */
  subheading(text: string, keepWith: number): void {
    const size = 9.5;
    const lines = wrap(text, this.fonts.bold, size, CONTENT_W - 2 * CELL_PAD_X);
    const height = lines.length * 12 + 2 * CELL_PAD_Y;
    this.ensure(height + keepWith);
    this.page.drawRectangle({ x: MARGIN_X, y: this.y - height, width: CONTENT_W, height, color: ACCENT_LIGHT });
    let y = this.y - CELL_PAD_Y - size + 1;
    for (const line of lines) {
      this.page.drawText(line, { x: MARGIN_X + CELL_PAD_X, y, size, font: this.fonts.bold, color: ACCENT });
      y -= 12;
    }
    this.y -= height + 2;
  }

  paragraph(text: string, opts: { size: number; leading: number; font?: PDFFont; color?: RGB }): void {
    const font = opts.font ?? this.fonts.regular;
    for (const line of wrap(text, font, opts.size, CONTENT_W)) {
      this.ensure(opts.leading);
      this.y -= opts.leading;
      this.page.drawText(line, { x: MARGIN_X, y: this.y + (opts.leading - opts.size) / 2, size: opts.size, font, color: opts.color ?? INK });
    }
  }

  /**
   * A table whose rows wrap their cells. A row that does not fit goes to the next page (the header
   * row is repeated there); a row taller than a whole page is split between pages.
   */
  table(
    columns: readonly Column[],
    rows: readonly (readonly Cell[])[],
    opts: { header?: boolean; labelFill?: boolean; continued?: string } = {},
  ): void {
    const showHeader = opts.header ?? true;
    const widths = columns.map((c) => c.share * CONTENT_W);
    const innerWidths = widths.map((cw) => cw - 2 * CELL_PAD_X);
    const headerLines = columns.map((c, i) => wrap(c.header, this.fonts.bold, TABLE_SIZE - 0.5, innerWidths[i] ?? 0));
    const headerHeight = showHeader ? rowHeight(headerLines) : 0;

    const drawHeader = (afterBreak: boolean) => {
      if (afterBreak && opts.continued) {
        const size = 8;
        const suffix = ' (continued)';
        const room = CONTENT_W - textWidth(suffix, this.fonts.italic, size);
        const label = ellipsize(oneLine(opts.continued, this.fonts.italic), this.fonts.italic, size, room) + suffix;
        this.page.drawText(label, { x: MARGIN_X, y: this.y - size, size, font: this.fonts.italic, color: MUTED });
        this.y -= size + 6;
      }
      if (!showHeader) return;
      this.page.drawRectangle({ x: MARGIN_X, y: this.y - headerHeight, width: CONTENT_W, height: headerHeight, color: HEADER_FILL });
      this.drawRowText(columns, widths, headerLines, columns.map(() => ({ text: '', bold: true, color: MUTED })), TABLE_SIZE - 0.5);
      this.y -= headerHeight;
      this.rule(0.7, MUTED);
    };

    // The header and the first row stay together.
    const firstRow = rows[0];
    const firstHeight = firstRow ? rowHeight(this.cellLines(firstRow, innerWidths)) : 0;
    this.ensure(headerHeight + Math.min(firstHeight, 3 * TABLE_LEADING + 2 * CELL_PAD_Y));
    drawHeader(false);
    let freshPage = false;

    for (const row of rows) {
      let lines = this.cellLines(row, innerWidths);
      for (;;) {
        const height = rowHeight(lines);
        const available = this.y - BOTTOM;
        if (height <= available) {
          this.drawRowBackground(widths, height, opts.labelFill ?? false);
          this.drawRowText(columns, widths, lines, row, TABLE_SIZE);
          this.y -= height;
          this.rule(0.4, RULE);
          freshPage = false;
          break;
        }
        const fitting = Math.floor((available - 2 * CELL_PAD_Y) / TABLE_LEADING);
        if ((height <= PAGE_CAPACITY - headerHeight - 14 && !freshPage) || fitting < 2) {
          this.newPage();
          drawHeader(true);
          freshPage = true;
          continue;
        }
        // Taller than a page: draw what fits here, continue the same row on the next page.
        const head = lines.map((l) => l.slice(0, fitting));
        const partHeight = rowHeight(head);
        this.drawRowBackground(widths, partHeight, opts.labelFill ?? false);
        this.drawRowText(columns, widths, head, row, TABLE_SIZE);
        this.y -= partHeight;
        lines = lines.map((l) => l.slice(fitting));
        this.newPage();
        drawHeader(true);
        freshPage = true;
      }
    }
    this.y -= 4;
  }

  /** Height `table` will take for these rows if no page break falls inside it. */
  tableHeight(columns: readonly Column[], rows: readonly (readonly Cell[])[], opts: { header?: boolean } = {}): number {
    const innerWidths = columns.map((c) => c.share * CONTENT_W - 2 * CELL_PAD_X);
    const header = (opts.header ?? true)
      ? rowHeight(columns.map((c, i) => wrap(c.header, this.fonts.bold, TABLE_SIZE - 0.5, innerWidths[i] ?? 0)))
      : 0;
    return rows.reduce((sum, row) => sum + rowHeight(this.cellLines(row, innerWidths)), header) + 4;
  }

  private cellLines(row: readonly Cell[], innerWidths: readonly number[]): string[][] {
    return innerWidths.map((iw, i) => {
      const cell = row[i];
      return cell ? wrap(cell.text, cell.bold ? this.fonts.bold : this.fonts.regular, TABLE_SIZE, iw) : [];
    });
  }

  private drawRowBackground(widths: readonly number[], height: number, labelFill: boolean): void {
    if (!labelFill) return;
    this.page.drawRectangle({ x: MARGIN_X, y: this.y - height, width: widths[0] ?? 0, height, color: HEADER_FILL });
  }

  private drawRowText(columns: readonly Column[], widths: readonly number[], lines: readonly string[][], row: readonly Cell[], size: number): void {
    let x = MARGIN_X;
    columns.forEach((col, i) => {
      const cell = row[i];
      const font = cell?.bold ? this.fonts.bold : this.fonts.regular;
      const cw = widths[i] ?? 0;
      let y = this.y - CELL_PAD_Y - size + 1;
      for (const line of lines[i] ?? []) {
        const lw = textWidth(line, font, size);
        const lx = col.align === 'right' ? x + cw - CELL_PAD_X - lw : col.align === 'center' ? x + (cw - lw) / 2 : x + CELL_PAD_X;
        this.page.drawText(line, { x: lx, y, size, font, color: cell?.color ?? INK });
        y -= TABLE_LEADING;
      }
      x += cw;
    });
  }

  private rule(thickness: number, color: RGB): void {
    this.page.drawLine({ start: { x: MARGIN_X, y: this.y }, end: { x: MARGIN_X + CONTENT_W, y: this.y }, thickness, color });
  }

  /** Footer on every page, once the page count is known. */
  footers(left: string): void {
    const size = 7.5;
    const font = this.fonts.regular;
    const total = this.pages.length;
    this.pages.forEach((page, i) => {
      const right = `Page ${i + 1} of ${total}`;
      const rightW = textWidth(right, font, size);
      page.drawLine({ start: { x: MARGIN_X, y: 44 }, end: { x: MARGIN_X + CONTENT_W, y: 44 }, thickness: 0.5, color: RULE });
      page.drawText(ellipsize(oneLine(left, font), font, size, CONTENT_W - rightW - 20), { x: MARGIN_X, y: 32, size, font, color: MUTED });
      page.drawText(right, { x: MARGIN_X + CONTENT_W - rightW, y: 32, size, font, color: MUTED });
    });
  }
}

function rowHeight(lines: readonly (readonly string[])[]): number {
  const n = Math.max(1, ...lines.map((l) => l.length));
  return n * TABLE_LEADING + 2 * CELL_PAD_Y - 2;
}

function orDash(value: string | undefined): string {
  return value === undefined || value.trim() === '' ? '—' : value;
}

function statusColor(status: string | undefined): RGB {
  const s = (status ?? '').trim().toLowerCase();
  if (/^(passed|pass|ok|completed|complete|accepted|done|yes)$/.test(s)) return GOOD;
  if (/^(failed|fail|error|rejected|no)$/.test(s)) return BAD;
  return NEUTRAL;
}

/** `2025-05-14 10:32 UTC` (with seconds for check times); an unparseable value is shown as given. */
function formatTime(iso: string, withZone = true): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const s = d.toISOString();
  return withZone ? `${s.slice(0, 10)} ${s.slice(11, 16)} UTC` : `${s.slice(0, 10)} ${s.slice(11, 19)}`;
}

// ---- Text: folding to the font's glyphs, measuring, wrapping -------------------------------------

/** Latin letters with no Unicode decomposition to a plain letter (Polish, Croatian, Maltese…), for a font that lacks them. */
const FOLD: Readonly<Record<string, string>> = {
  Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i', Ŧ: 'T', ŧ: 't', Ŋ: 'N', ŋ: 'n', ĸ: 'k', Ə: 'E', ə: 'e',
};

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

const charsets = new WeakMap<PDFFont, ReadonlySet<number>>();

/** The code points `font` has a glyph for (a subset font still reports the whole font's set). */
export function fontCharacterSet(font: PDFFont): ReadonlySet<number> {
  let set = charsets.get(font);
  if (!set) {
    // U+0000 and friends map to .notdef in most fonts' cmaps; they are never drawable text.
    set = new Set(font.getCharacterSet().filter((cp) => cp >= 0x20));
    charsets.set(font, set);
  }
  return set;
}

/** For one-line places (running head, footer): fold first, since folding turns \r, U+2028… into \n. */
export function oneLine(text: string, font: PDFFont): string {
  return foldText(text, fontCharacterSet(font)).replace(/\s*\n\s*/g, ' ');
}

/**
 * Folds a string into what a font can show. Line breaks become `\n`, tabs spaces; other control and
 * format characters (zero-width joiners, bidi overrides, BOM) are dropped; a character the font
 * lacks is replaced by its compatibility decomposition without accents when the font has that
 * (Ａ → A), else by one `?` per grapheme (an emoji with skin tone is one `?`).
 */
export function foldText(text: string, glyphs: ReadonlySet<number>): string {
  const encodable = (c: string) => glyphs.has(c.codePointAt(0) ?? -1);
  let out = '';
  for (const { segment } of segmenter.segment(text.normalize('NFC'))) {
    if (/^(\r\n|[\r\n\u2028\u2029\u0085])$/.test(segment)) {
      out += '\n';
      continue;
    }
    if (segment === '\t') {
      out += ' ';
      continue;
    }
    const chars = [...segment].filter((c) => !/[\p{Cc}\p{Cf}]/u.test(c));
    if (chars.length === 0) continue;
    if (chars.every(encodable)) {
      out += chars.join('');
      continue;
    }
    const folded = [...chars.join('').normalize('NFKD')]
      .filter((c) => !/[\p{M}\p{Cc}\p{Cf}]/u.test(c))
      .map((c) => (encodable(c) ? c : (FOLD[c] ?? c)));
    out += folded.length > 0 && folded.every(encodable) ? folded.join('') : '?';
  }
  return out;
}

const widthCache = new WeakMap<PDFFont, Map<string, number>>();

/** Width as drawn: pdf-lib's widthOfTextAtSize adds kerning that drawText does not apply. */
function textWidth(text: string, font: PDFFont, size: number): number {
  let perChar = widthCache.get(font);
  if (!perChar) {
    perChar = new Map();
    widthCache.set(font, perChar);
  }
  let units = 0;
  for (const ch of text) {
    let w = perChar.get(ch);
    if (w === undefined) {
      w = font.widthOfTextAtSize(ch, 1000);
      perChar.set(ch, w);
    }
    units += w;
  }
  return (units * size) / 1000;
}

/** Lines of at most `maxWidth` points: breaks at spaces, breaks words longer than a line anywhere. */
function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  const space = textWidth(' ', font, size);
  for (const paragraph of foldText(text, fontCharacterSet(font)).split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(' ').filter((w) => w !== '')) {
      const wordWidth = textWidth(word, font, size);
      const candidateWidth = line === '' ? wordWidth : lineWidth + space + wordWidth;
      if (candidateWidth <= maxWidth) {
        line = line === '' ? word : `${line} ${word}`;
        lineWidth = candidateWidth;
        continue;
      }
      if (line !== '') lines.push(line);
      // A word wider than the line (a serial, a URL) is broken where the line ends.
      line = '';
      lineWidth = 0;
      for (const ch of word) {
        const w = textWidth(ch, font, size);
        if (line !== '' && lineWidth + w > maxWidth) {
          lines.push(line);
          line = '';
          lineWidth = 0;
        }
        line += ch;
        lineWidth += w;
      }
    }
    lines.push(line);
  }
  // Blank lines only between text, never trailing (an empty value is one empty line).
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function ellipsize(text: string, font: PDFFont, size: number, maxWidth: number): string {
  if (textWidth(text, font, size) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 0 && textWidth(`${chars.join('')}…`, font, size) > maxWidth) chars.pop();
  return `${chars.join('')}…`;
}
