// One `npm start` per data folder. Two runtimes on the same folder would run two DynamoDB Locals
// on the same files, two outboxes appending to one file and two buses replaying one journal.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStartError } from './errors';

const LOCK_FILE = 'runtime.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data folder's lock, or throws when a live process holds it. A lock left by a process
 * that is gone (killed, crashed) is taken over: its DynamoDB Local died with it (see
 * dynamodb-watchdog.sh), so nothing else uses the files. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  let holder: { pid?: unknown } | undefined;
  try {
    holder = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown };
  } catch {
    holder = undefined; // none, or torn: either way nobody we can name holds it
  }
  if (typeof holder?.pid === 'number' && holder.pid !== process.pid && alive(holder.pid)) {
    throw new LocalStartError(
      `Another npm start (process ${holder.pid}) is using the data folder ${dataDir}.`,
      `Stop it first (Ctrl-C in its terminal, or \`kill ${holder.pid}\`), or use another folder: \`npm start -- --data-dir .data2\`. If no such process is yours, delete ${file}.`,
    );
  }
  writeFileSync(file, `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() })}\n`);
  return () => {
    try {
      const now = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown };
      if (now.pid === process.pid) rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}
