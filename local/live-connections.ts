// The WebSocket connections open right now, kept in the data folder. If the runtime stops without
// their $disconnect having run (killed, crashed, or a handler cut off at shutdown), the next start
// finds them here and runs $disconnect for them before it accepts anything: after a restart no
// connection from before counts as live (each charger reconnects and gets a new one).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export class LiveConnections {
  private readonly ids = new Set<string>();
  /** Ids found at start: connections of a previous run that never got their $disconnect. */
  readonly leftOver: readonly string[];

  constructor(private readonly file: string | undefined) {
    let found: string[] = [];
    if (file && existsSync(file)) {
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        if (Array.isArray(parsed)) found = parsed.filter((x): x is string => typeof x === 'string');
      } catch {
        // torn write: the ids are lost; their items expire by TTL (2 h 15 min) as on AWS
      }
    }
    this.leftOver = found;
    for (const id of found) this.ids.add(id);
  }

  add(id: string): void {
    this.ids.add(id);
    this.save();
  }

  remove(id: string): void {
    if (this.ids.delete(id)) this.save();
  }

  private save(): void {
    if (!this.file) return;
    // Write-then-rename: a crash leaves the old list or the new one, never half of one.
    writeFileSync(`${this.file}.tmp`, JSON.stringify([...this.ids]));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
