// A log entry's key is its time, kind and message id. A second entry for the same frame kind and
// message id (a charger's duplicate answer, logged late or unmatched) can land in the same
// millisecond: its variant keeps it beside the first, never over it.
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../lib/db/logs';

process.env.TABLE_NAME ??= 'unit-test-table';
const { logItem } = await import('../../../lib/db/logs');

describe('log entry keys', () => {
  const counted: LogEntry = { identity: 'CP-1', at: '2026-12-01T01:00:00.000Z', category: 'ocpp_state', kind: 'result_in', messageId: 'm-1', action: 'Reset', detail: { outcome: 'accepted' } };
  const late: LogEntry = { ...counted, detail: { late: true } };

  it('keeps a late or invalid duplicate of the same millisecond, kind and message id beside the entry that counted', () => {
    const key = (i: Record<string, unknown>) => `${String(i.pk)} ${String(i.sk)}`;
    expect(key(logItem(late, {}, 'late'))).not.toBe(key(logItem(counted)));
    expect(key(logItem(late, {}, 'invalid'))).not.toBe(key(logItem(counted)));
    // Without a variant the same frame has the same key (the entry is its frame's, once).
    expect(key(logItem(late))).toBe(key(logItem(counted)));
  });
});
