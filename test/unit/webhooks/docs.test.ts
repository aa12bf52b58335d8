// docs/webhooks.md is what receivers code against: every webhook event type has a section whose
// example payload validates, strictly, against the catalogue schema it documents.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EVENT_SCHEMAS, type EventType } from '../../../lib/events/catalogue';
import { WEBHOOK_EVENT_TYPES } from '../../../lib/webhooks/event-types';
import { EventEnvelopeSchema } from '../../../lib/webhooks/fanout';

const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/webhooks.md'), 'utf8');

function exampleFor(type: string): unknown {
  const section = doc.split(/^### /m).find((s) => s.startsWith(`\`${type}\``));
  const json = section && /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  return json === undefined ? undefined : (JSON.parse(json) as unknown);
}

describe('docs/webhooks.md', () => {
  it.each(WEBHOOK_EVENT_TYPES)('documents %s with an example that matches its schema exactly', (type) => {
    const example = exampleFor(type) as { type: string; data: unknown } | undefined;
    expect(example, `no example for ${type}`).toBeDefined();
    expect(EventEnvelopeSchema.parse(example).type).toBe(type);
    const schema = EVENT_SCHEMAS[type as EventType] as z.ZodObject;
    expect(() => z.strictObject(schema.shape).parse(example!.data)).not.toThrow();
  });

  it('does not document internal events', () => {
    expect(doc).not.toMatch(/^### `email\.requested`/m);
  });
});
