import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findProcess } from '../../../bench/lib/cpu';

function fakeProc(processes: Record<string, readonly string[]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'proc-'));
  for (const [pid, argv] of Object.entries(processes)) {
    mkdirSync(join(dir, pid));
    writeFileSync(join(dir, pid, 'cmdline'), `${argv.join('\0')}\0`);
  }
  mkdirSync(join(dir, 'self'));
  return dir;
}

describe('findProcess', () => {
  const args = ['-Djava.library.path=/x/DynamoDBLocal_lib', '-jar', '/x/DynamoDBLocal.jar', '-port', '34567'];
  it('finds DynamoDB Local itself, not the shell watchdog that holds the same arguments', () => {
    // The watchdog starts first, so it has the lower pid and is listed first.
    const proc = fakeProc({ '100': ['/bin/sh', '/repo/local/dynamodb-watchdog.sh', ...args], '101': ['/usr/bin/java', ...args] });
    expect(findProcess('java', ['DynamoDBLocal', '-port 34567'], proc)).toBe(101);
  });
  it('needs every part: another DynamoDB Local on another port is not it', () => {
    const proc = fakeProc({ '200': ['java', ...args.slice(0, -1), '40000'] });
    expect(findProcess('java', ['DynamoDBLocal', '-port 34567'], proc)).toBeUndefined();
  });
  it('is undefined without a /proc', () => {
    expect(findProcess('java', ['x'], '/nonexistent-proc')).toBeUndefined();
  });
});
