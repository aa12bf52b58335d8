// Notes on a charge point (issue #14 item 5): the installer writes them on the job page, the operator
// reads and answers them through the operator API, so both sides talk about a charger in one place.
import { transactWrite } from '../aws/transact';
import type { ChargePoint } from '../db/charge-points';
import { listNotes, notePut, type Note } from '../db/notes';
import { newId, nowIso } from '../ids';
import { actorView, type Actor } from './actors';
import { auditPut } from './audit';
import { Conflict } from './errors';
import { ownedChargePoint } from './operator-charge-points';

export const NOTE_MAX_CHARS = 2000;

export type NoteView = ReturnType<typeof noteView>;

export function noteView(n: Note) {
  return { note_id: n.noteId, text: n.text, at: n.at, author: actorView(n.author) };
}

/** A note and its audit entry, in one transaction. */
export async function addNote(cp: ChargePoint, author: Actor, text: string): Promise<NoteView> {
  const note: Note = { noteId: newId('note'), chargePointId: cp.chargePointId, projectId: cp.projectId, text, at: nowIso(), author };
  const result = await transactWrite([notePut(note), auditPut(cp, author, 'note', 'Note added')]);
  if (result.cancelled) throw new Conflict('The note could not be saved; send it again');
  return noteView(note);
}

export async function notesOf(cp: ChargePoint): Promise<NoteView[]> {
  return (await listNotes(cp.chargePointId)).map(noteView);
}

export async function operatorNotes(operatorId: string, chargePointId: string): Promise<NoteView[]> {
  return notesOf(await ownedChargePoint(operatorId, chargePointId));
}

/** The operator's answer, shown on the job page next to the installer's notes. */
export async function addOperatorNote(operatorId: string, chargePointId: string, text: string): Promise<NoteView> {
  return addNote(await ownedChargePoint(operatorId, chargePointId), { kind: 'operator', operatorId }, text);
}
