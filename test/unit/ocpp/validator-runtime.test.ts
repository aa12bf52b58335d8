// lib/ocpp/validators/runtime.ts checks date-time itself instead of bundling all of ajv-formats; its
// answer must be ajv-formats' answer (the format the validators were compiled against), string for string.
import { fullFormats } from 'ajv-formats/dist/formats';
import { describe, expect, it } from 'vitest';
import { dateTime, ocppFormats } from '../../../lib/ocpp/validators/runtime';

const CORPUS = [
  '2025-03-01T10:00:00Z',
  '2025-03-01T10:00:00.123Z',
  '2025-03-01t10:00:00z',
  '2025-03-01 10:00:00Z',
  '2025-03-01T10:00:00+01:00',
  '2025-03-01T10:00:00-0530',
  '2025-03-01T10:00:00+01',
  '2025-03-01T10:00:00',
  '2025-03-01T10:00Z',
  '2025-03-01',
  '10:00:00Z',
  '2025-02-29T10:00:00Z',
  '2024-02-29T10:00:00Z',
  '1900-02-29T10:00:00Z',
  '2000-02-29T10:00:00Z',
  '2025-04-31T10:00:00Z',
  '2025-13-01T10:00:00Z',
  '2025-00-01T10:00:00Z',
  '2025-03-00T10:00:00Z',
  '2025-03-01T24:00:00Z',
  '2025-03-01T23:60:00Z',
  '2016-12-31T23:59:60Z',
  '2016-12-31T23:59:60.5Z',
  '2016-12-31T15:59:60-08:00',
  '2016-12-31T23:59:61Z',
  '2016-12-31T22:59:60Z',
  '2025-03-01T10:00:00+24:00',
  '2025-03-01T10:00:00+01:60',
  '2025-03-01T10:00:00ZT',
  '2025-03-01TT10:00:00Z',
  '20250301T100000Z',
  '+002025-03-01T10:00:00Z',
  ' 2025-03-01T10:00:00Z',
  '2025-03-01T10:00:00Z ',
  '',
  'yesterday',
];

describe('date-time format of the ahead-of-time validators', () => {
  const reference = (fullFormats['date-time'] as { validate: (s: string) => boolean }).validate;

  it.each(CORPUS)('%j: the same answer as ajv-formats', (value) => {
    expect(dateTime(value)).toBe(reference(value));
  });

  it('the corpus has both answers', () => {
    expect(new Set(CORPUS.map(reference))).toEqual(new Set([true, false]));
  });

  it('is what the generated code looks up', () => {
    expect(ocppFormats['date-time']?.validate).toBe(dateTime);
  });
});
