// OCPP dateTime values as this platform keeps them: UTC, `toISOString()` form. A charger may send
// any RFC 3339 offset (`…+14:00`), but sessions are listed and filtered by their start time as a
// string (the list entries' sort keys, `from` / `to`), which only orders correctly in one form.

/** A leap second (RFC 3339 allows `:60`), which Date cannot read: the last millisecond of its minute. */
const LEAP_SECOND = /:60(\.\d+)?(?=(Z|[+-]\d\d:\d\d)$)/i;

/** The time in UTC ISO form; a value nothing can read is kept as sent (the schema checked its format). */
export function utcTime(value: string): string {
  let ms = Date.parse(value);
  if (Number.isNaN(ms) && LEAP_SECOND.test(value)) ms = Date.parse(value.replace(LEAP_SECOND, ':59.999'));
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/** The same payload with each meter value's `timestamp` in UTC ISO form. */
export function withUtcMeterTimes<T extends { readonly timestamp: string }>(meterValue: readonly T[] | undefined): T[] | undefined {
  return meterValue?.map((mv) => ({ ...mv, timestamp: utcTime(mv.timestamp) }));
}
