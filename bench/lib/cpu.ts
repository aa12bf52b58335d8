// CPU time of the processes taking part (Linux /proc; undefined elsewhere), so the report can say
// where the CPU of each message goes: the gateway process, DynamoDB Local (Java), the load generator.
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process, or undefined when /proc is not readable. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state (field 3).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** This process's CPU seconds (more precise than /proc). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * The process running `executable` whose command line contains all of `parts` (e.g. DynamoDB
 * Local: `java` with `-port 34567`). The executable is matched on the first argument's base name:
 * DynamoDB Local runs under a shell watchdog (local/dynamodb-watchdog.sh) whose command line holds
 * the same arguments, and that shell uses no CPU of its own, so matching the arguments alone
 * measured the shell and reported 0 s for DynamoDB Local.
 */
export function findProcess(executable: string, parts: readonly string[], procDir = '/proc'): number | undefined {
  try {
    for (const entry of readdirSync(procDir)) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const argv = readFileSync(`${procDir}/${entry}/cmdline`, 'utf8').split('\0');
        if (basename(argv[0] ?? '') !== executable) continue;
        const cmd = argv.join(' ');
        if (parts.every((p) => cmd.includes(p))) return Number(entry);
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}

export interface CpuSample {
  readonly gateway: number;
  readonly dynamodb: number | undefined;
  readonly loadGenerator: number | undefined;
}

export function cpuSample(pids: { readonly dynamodb: number | undefined; readonly loadGenerator: number | undefined }): CpuSample {
  return { gateway: ownCpuSeconds(), dynamodb: processCpuSeconds(pids.dynamodb), loadGenerator: processCpuSeconds(pids.loadGenerator) };
}

/** CPU seconds used between two samples, per process. */
export function cpuDelta(a: CpuSample, b: CpuSample): CpuSample {
  const d = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined ? undefined : y - x);
  return { gateway: b.gateway - a.gateway, dynamodb: d(a.dynamodb, b.dynamodb), loadGenerator: d(a.loadGenerator, b.loadGenerator) };
}
