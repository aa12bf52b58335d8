// Plain-text tables and number formatting for the bench and cost reports.

export type Cell = string | number;

/** Columns separated by two spaces; numbers (and cells that look like numbers) are right-aligned. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const text = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  // A column is right-aligned when every cell is a number or starts like one ("12 ms", "$0.01", "–").
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^[-+$–\d]/.test(String(r[i] ?? ''))));
  const line = (cells: readonly string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map((r) => line(r))].join('\n');
}

/** Up to 3 significant decimals for small numbers, thousands separators for large ones. */
export function fmt(n: number, digits?: number): string {
  if (!Number.isFinite(n)) return '–';
  if (digits !== undefined) return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const abs = Math.abs(n);
  const d = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: d });
}

/** Dollars with enough precision for per-charger amounts ($0.000123). */
export function usd(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs === 0) return '$0';
  if (abs >= 100) return `$${n.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
  if (abs >= 1) return `$${n.toFixed(2)}`;
  if (abs >= 0.01) return `$${n.toFixed(4)}`;
  return `$${n.toFixed(6)}`;
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function heading(text: string): string {
  return `\n== ${text} ==`;
}
