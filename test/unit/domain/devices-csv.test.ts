// The catalogue's CSV reader (domain/devices.ts parseCsv) faces the network: RFC 4180 records with the
// line each starts on, whatever bytes arrive.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../lib/domain/devices';

/** Every field quoted (quotes doubled), CRLF between records: the strictest RFC 4180 writer. */
const quoted = (rows: string[][]) => rows.map((r) => r.map((f) => `"${f.replaceAll('"', '""')}"`).join(',')).join('\r\n');

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks, and numbers records by the line they start on', () => {
    const { records, issues } = parseCsv('serial,model\nA1,"Source 2, ""Type 2"""\r\nA2,"two\nlines"\n\nA3,plain\n');
    expect(issues).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['serial', 'model'] },
      { line: 2, fields: ['A1', 'Source 2, "Type 2"'] },
      { line: 3, fields: ['A2', 'two\nlines'] },
      { line: 6, fields: ['A3', 'plain'] },
    ]);
  });

  it('names the line of a quote left open', () => {
    expect(parseCsv('serial,pin\nA1,"12\n').issues).toEqual([expect.objectContaining({ line: 2, column: 'pin' })]);
  });

  it('gives back what a quoting writer wrote, for any fields', () => {
    const row = fc.array(fc.string({ unit: 'binary' }), { minLength: 2, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 10 }), (rows) => {
        expect(parseCsv(quoted(rows)).records.map((r) => r.fields)).toEqual(rows);
      }),
      { numRuns: 50 },
    );
  });

  it('never throws, whatever arrives', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const { records, issues } = parseCsv(text);
        expect(records.length + issues.length).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
