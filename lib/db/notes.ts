// Notes on a charge point (issue #14): the installer writes them through the job link, the operator
// reads and answers them through the operator API, so both talk about a charger in one place.
// In the charge point's own partition (`CP#{id}`, `NOTE#{at}#{noteId}`), newest last (AP-38).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactItem } from '../aws/transact';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import type { Actor } from '../domain/actors';
import { ENTITY, keys } from './keys';

export interface Note {
  readonly noteId: string;
  readonly chargePointId: string;
  readonly projectId: string;
  readonly text: string;
  readonly at: string;
  readonly author: Actor;
}

/**
 * The newest notes a read returns. Bounds a job view (one Query of at most this many items per
 * charge point) whatever is written; older notes stay stored until the charge point is deleted.
 */
export const NOTES_READ_LIMIT = 100;

/** AP-38: a new note, as a transaction item (written together with its audit log entry). */
export function notePut(note: Note): TransactItem {
  return { Put: { TableName: config().tableName, Item: { ...keys.note(note.chargePointId, note.at, note.noteId), type: ENTITY.note, ...note }, ConditionExpression: 'attribute_not_exists(pk)' } };
}

/** AP-38: the newest NOTES_READ_LIMIT notes of a charge point, returned oldest first. */
export async function listNotes(chargePointId: string): Promise<Note[]> {
  const k = keys.notesOfChargePoint(chargePointId);
  const out = await documentClient().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix },
      ScanIndexForward: false,
      Limit: NOTES_READ_LIMIT,
    }),
  );
  return ((out.Items ?? []) as Note[]).map(({ noteId, chargePointId: cp, projectId, text, at, author }) => ({ noteId, chargePointId: cp, projectId, text, at, author })).reverse();
}
