// The charge point log as people read it (issue #15): the operator's filtered, paged list and its
// export, and the installer's last entries on the job page. Every entry carries the guide's
// category, colour and plain-words description (log-glossary.ts); filters are evaluated on exactly
// what is shown, inside the bounded read of db/logs.ts listLog (AP-11).
import type { ChargePoint } from '../db/charge-points';
import { listLog, type LogCategory, type LogEntry } from '../db/logs';
import { logSubjectOf } from './audit';
import { ValidationFailed } from './errors';
import { CATEGORY_STYLE, describeLogEntry, directionOf, type LogColour, type LogDirection } from './log-glossary';
import { ownedChargePoint } from './operator-charge-points';

export interface LogFilter {
  readonly category?: LogCategory;
  /** An OCPP action, exactly (`StatusNotification`), or a kind of entry (`connected`). */
  readonly action?: string;
  readonly direction?: LogDirection;
  readonly from?: string;
  readonly to?: string;
  /** Free text: case-insensitive, over the action, the description and the frames (payload text). */
  readonly q?: string;
}

/** What the operator sees of an entry: the stored entry (frames redacted on write) plus the guide's words. */
export interface LogEntryView extends LogEntry {
  readonly colour: LogColour;
  readonly category_label: string;
  readonly direction: LogDirection | null;
  readonly description: string;
}

export function logEntryView(entry: LogEntry): LogEntryView {
  const style = CATEGORY_STYLE[entry.category];
  return { ...entry, colour: style.colour, category_label: style.label, direction: directionOf(entry) ?? null, description: describeLogEntry(entry) };
}

/** Pure: does an entry (as shown) pass the filter? The time range is the read's key condition, not checked here. */
export function matchesLogFilter(view: LogEntryView, filter: LogFilter): boolean {
  if (filter.category !== undefined && view.category !== filter.category) return false;
  if (filter.action !== undefined && view.action !== filter.action && view.kind !== filter.action) return false;
  if (filter.direction !== undefined && view.direction !== filter.direction) return false;
  if (filter.q !== undefined && filter.q !== '') {
    const needle = filter.q.toLowerCase();
    const haystack = [view.action, view.kind, view.description, view.frameIn, view.frameOut].filter((s): s is string => typeof s === 'string');
    if (!haystack.some((s) => s.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/** ISO bounds as stored (`toISOString`), so a key range on `sk` compares like with like; from < to. */
function timeRange(from: string | undefined, to: string | undefined, required: boolean, maxDays?: number): { from?: string; to?: string } {
  if (required && from === undefined) throw new ValidationFailed('Give the time range to export', [{ field: 'query.from', message: 'is required' }]);
  if (required && to === undefined) throw new ValidationFailed('Give the time range to export', [{ field: 'query.to', message: 'is required' }]);
  const f = from === undefined ? undefined : new Date(from).toISOString();
  const t = to === undefined ? undefined : new Date(to).toISOString();
  if (f !== undefined && t !== undefined && f >= t) throw new ValidationFailed('`from` must be before `to`', [{ field: 'query.to', message: 'must be after from' }]);
  if (maxDays !== undefined && f !== undefined && t !== undefined && Date.parse(t) - Date.parse(f) > maxDays * 86_400_000) {
    throw new ValidationFailed(`An export covers at most ${maxDays} days`, [{ field: 'query.to', message: `must be at most ${maxDays} days after from` }]);
  }
  return { ...(f !== undefined ? { from: f } : {}), ...(t !== undefined ? { to: t } : {}) };
}

function readLog(cp: Pick<ChargePoint, 'identity' | 'chargePointId'>, filter: LogFilter, page: { limit?: number; cursor?: string; oldestFirst?: boolean; budget?: number }) {
  const views = new WeakMap<LogEntry, LogEntryView>();
  const viewOf = (e: LogEntry) => views.get(e) ?? (views.set(e, logEntryView(e)), views.get(e)!);
  // Before it has a serial, a charge point's log holds only changes people made (domain/audit.ts).
  const filtering = filter.category !== undefined || filter.action !== undefined || filter.direction !== undefined || (filter.q ?? '') !== '';
  return listLog(logSubjectOf(cp), { ...page, ...timeRange(filter.from, filter.to, false), ...(filtering ? { match: (e: LogEntry) => matchesLogFilter(viewOf(e), filter) } : {}) }).then((p) => ({
    entries: p.entries.map(viewOf),
    ...(p.nextCursor ? { nextCursor: p.nextCursor } : {}),
  }));
}

/** GET …/charge-points/{id}/logs: newest first, filtered, paged (a short page with a cursor means "read on"). */
export async function readChargePointLog(operatorId: string, chargePointId: string, opts: LogFilter & { limit?: number; cursor?: string }) {
  const cp = await ownedChargePoint(operatorId, chargePointId);
  return readLog(cp, opts, { ...(opts.limit ? { limit: opts.limit } : {}), ...(opts.cursor ? { cursor: opts.cursor } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/**
 * An export is one answer, so it is bounded: at most 31 days, 10,000 entries and 5 MB (a Lambda
 * answer is at most 6 MB). A range holding more is refused, naming the field to narrow, rather than
 * cut silently: a truncated CSV looks complete.
 */
export const LOG_EXPORT_LIMITS = { maxDays: 31, maxRows: 10_000, maxBytes: 5 * 1024 * 1024 } as const;

export type LogExportFormat = 'csv' | 'ndjson';

export const CSV_COLUMNS = ['at', 'category', 'colour', 'direction', 'kind', 'action', 'description', 'message_id', 'frame_in', 'frame_out', 'detail'] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled. A
 * field a spreadsheet would run as a formula (starting =, +, -, @, or a tab / carriage return that
 * some strip first) gets a leading apostrophe: a charger controls its frames, and a CSV opened in a
 * spreadsheet must not execute what a charger sent (OWASP "CSV injection").
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: ReadonlyArray<string | number | null | undefined>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

function csvLine(v: LogEntryView): string {
  return csvRow([v.at, v.category, v.colour, v.direction, v.kind, v.action, v.description, v.messageId, v.frameIn, v.frameOut, v.detail ? JSON.stringify(v.detail) : undefined]);
}

export interface LogExport {
  readonly contentType: string;
  readonly filename: string;
  readonly body: string;
  readonly rows: number;
}

/** GET …/logs/export: every entry of [from, to), oldest first, as CSV or NDJSON (the operator's view). */
export async function exportChargePointLog(
  operatorId: string,
  chargePointId: string,
  opts: { format: LogExportFormat; from?: string; to?: string },
  limits: { maxDays: number; maxRows: number; maxBytes: number } = LOG_EXPORT_LIMITS,
): Promise<LogExport> {
  const cp = await ownedChargePoint(operatorId, chargePointId);
  const range = timeRange(opts.from, opts.to, true, limits.maxDays);
  const { maxRows, maxBytes } = limits;
  const lines: string[] = opts.format === 'csv' ? [csvRow(CSV_COLUMNS)] : [];
  let bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
  let rows = 0;
  let cursor: string | undefined;
  const tooMuch = (what: string) =>
    new ValidationFailed(`This time range holds more than ${what}; export a shorter range`, [{ field: 'query.to', message: `the range holds more than ${what}: bring it closer to from` }]);
  do {
    // The read budget scales with what is left to export: at most maxRows + 1 items read in all.
    const page = await listLog(logSubjectOf(cp), { ...range, oldestFirst: true, limit: 200, budget: 200, ...(cursor ? { cursor } : {}) });
    for (const e of page.entries) {
      rows += 1;
      if (rows > maxRows) throw tooMuch(`${maxRows} entries`);
      const v = logEntryView(e);
      const line = opts.format === 'csv' ? csvLine(v) : `${JSON.stringify(v)}\n`;
      bytes += Buffer.byteLength(line);
      if (bytes > maxBytes) throw tooMuch(maxBytes >= 1024 * 1024 ? `${maxBytes / 1024 / 1024} MB` : `${maxBytes} bytes`);
      lines.push(line);
    }
    cursor = page.nextCursor;
  } while (cursor);
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  const stamp = (iso: string) => iso.replace(/[:.]/g, '-');
  return {
    contentType: opts.format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/x-ndjson; charset=utf-8',
    filename: `log-${safe(logSubjectOf(cp))}-${stamp(range.from!)}-${stamp(range.to!)}.${opts.format}`,
    body: lines.join(''),
    rows,
  };
}

// ---------------------------------------------------------------------------------------------
// The job page
// ---------------------------------------------------------------------------------------------

/** How many entries the job page shows (the newest). */
export const JOB_PAGE_LOG_ENTRIES = 50;

/**
 * What the installer sees of an entry: when, the category in words and its colour, the direction,
 * the action and the description. No frames and no detail: they can carry what only the operator
 * should see (source addresses, token details, raw security event payloads), and the description
 * already says what happened in the guide's words.
 */
export function installerLogView(v: LogEntryView) {
  return { at: v.at, category: v.category, category_label: v.category_label, colour: v.colour, direction: v.direction, action: v.action ?? null, description: v.description };
}

export async function jobPageLog(cp: Pick<ChargePoint, 'identity' | 'chargePointId'>) {
  const page = await readLog(cp, {}, { limit: JOB_PAGE_LOG_ENTRIES });
  return page.entries.map(installerLogView);
}
