// The one way use cases publish events: batched PutEvents (10 per call, EventBridge's limit).
// Delivery (webhooks, email) is someone else's concern. Shapes are checked by the compiler against
// the catalogue's types; the zod schemas are deliberately not imported here, so the OCPP functions
// do not bundle zod (~440 KB). Every event is validated against its schema at run time by the
// local event bus, so every integration test rejects an event that breaks the catalogue.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import { config } from '../config';
import type { DomainEvent, EventData } from './catalogue';
import { EVENT_SOURCE, type EventType } from './types';

let client: EventBridgeClient | undefined;

export function makeEvent<T extends EventType>(type: T, operatorId: string, data: EventData<T>): DomainEvent<T> {
  return { id: randomUUID(), type, version: 1, time: new Date().toISOString(), operator_id: operatorId, data };
}

export async function publish(events: readonly DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  client ??= new EventBridgeClient({});
  for (let i = 0; i < events.length; i += 10) {
    const batch = events.slice(i, i + 10);
    const out = await client.send(
      new PutEventsCommand({
        Entries: batch.map((e) => ({
          Source: EVENT_SOURCE,
          DetailType: e.type,
          Detail: JSON.stringify(e),
          EventBusName: config().eventBusName,
          Time: new Date(e.time),
        })),
      }),
    );
    if (out.FailedEntryCount) {
      const failed = (out.Entries ?? []).filter((x) => x.ErrorCode).map((x) => `${x.ErrorCode}: ${x.ErrorMessage}`);
      throw new Error(`PutEvents rejected ${out.FailedEntryCount} event(s): ${failed.join('; ')}`);
    }
  }
}
