import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../lib/db/logs';
import { csvField, csvRow, installerLogView, logEntryView, matchesLogFilter } from '../../../lib/domain/charge-point-log';

describe('CSV export escaping', () => {
  it('quotes fields holding a quote, comma or line break, doubling quotes (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rlf')).toBe('"cr\rlf"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it('defuses cells a spreadsheet would run as a formula (=, +, -, @, tab, CR first)', () => {
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvField('+1+1')).toBe("'+1+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('a=1')).toBe('a=1');
  });

  it('ends rows with CRLF', () => {
    expect(csvRow(['a', 'b,c', null])).toBe('a,"b,c",\r\n');
  });
});

describe('log filters', () => {
  const heartbeat: LogEntry = { identity: 'CP', at: '2026-01-01T00:00:00.000Z', category: 'ocpp_state', kind: 'call_in', action: 'Heartbeat', frameIn: '[2,"a","Heartbeat",{}]', frameOut: '[3,"a",{"currentTime":"2026-01-01T00:00:00.000Z"}]' };
  const reset: LogEntry = { identity: 'CP', at: '2026-01-01T00:00:01.000Z', category: 'ocpp_state', kind: 'call_out', action: 'Reset', frameOut: '[2,"b","Reset",{"type":"Soft"}]' };
  const connected: LogEntry = { identity: 'CP', at: '2026-01-01T00:00:02.000Z', category: 'connection', kind: 'connected', detail: { protocol: 'ocpp1.6' } };
  const all = [heartbeat, reset, connected].map(logEntryView);
  const pick = (f: Parameters<typeof matchesLogFilter>[1]) => all.filter((v) => matchesLogFilter(v, f)).map((v) => v.action ?? v.kind);

  it('by category, action (or kind), direction and case-insensitive free text over action, description and frames', () => {
    expect(pick({ category: 'connection' })).toEqual(['connected']);
    expect(pick({ action: 'Reset' })).toEqual(['Reset']);
    expect(pick({ action: 'connected' })).toEqual(['connected']);
    expect(pick({ direction: 'sent' })).toEqual(['Reset']);
    expect(pick({ direction: 'received' })).toEqual(['Heartbeat']);
    expect(pick({ q: 'SOFT' })).toEqual(['Reset']);
    expect(pick({ q: 'reboot command' })).toEqual(['Reset']);
    expect(pick({ q: 'heartbeat' })).toEqual(['Heartbeat']);
    expect(pick({ q: 'the charger connected' })).toEqual(['connected']);
    expect(pick({ category: 'ocpp_state', direction: 'received', q: 'online' })).toEqual(['Heartbeat']);
  });

  it('shows the installer no frames and no detail', () => {
    const view = installerLogView(logEntryView(connected));
    expect(view).toEqual({ at: connected.at, category: 'connection', category_label: 'Connect / disconnect', colour: 'yellow', direction: null, action: null, description: 'Connect: the charger connected (ocpp1.6)' });
  });
});
