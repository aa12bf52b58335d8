// `npm start`: the whole system on one machine. Flags: --in-memory, --port N (or PORT), --host H
// (or HOST), --public-url U (or PUBLIC_URL), --data-dir D (or DATA_DIR).
import { parseArgs } from 'node:util';

// Lambda runs Node 22; the SDK's deprecation notice for a Node 20 dev machine is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { describeDemoChargePoint } from './demo-credentials';
import { LocalStartError } from './errors';
import { startLocalRuntime, type LocalRuntime } from './runtime';
import { REPO_ROOT } from './lambda';
import { join } from 'node:path';

const DEFAULT_DATA_DIR = join(REPO_ROOT, '.data');

const USAGE = `Usage: npm start -- [options]

  --port N          port for HTTP and OCPP (default 3000, or PORT)
  --host H          interface to listen on (default 127.0.0.1, or HOST); 0.0.0.0 serves the LAN
  --public-url U    address handed out in links, e.g. http://192.168.1.20:3000 (or PUBLIC_URL);
                    default: the LAN address when --host is 0.0.0.0, else http://localhost:PORT
  --data-dir D      where data is kept (default .data, or DATA_DIR)
  --in-memory       keep nothing on disk
  -h, --help        this text`;

function parseCli() {
  try {
    return parseArgs({
      options: {
        'in-memory': { type: 'boolean', default: false },
        port: { type: 'string' },
        host: { type: 'string' },
        'public-url': { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    // parseArgs throws TypeErrors for unknown flags and missing values: a person mistyped, so say
    // what was wrong and how to write it, not a stack trace.
    console.error(`✖ ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}
const values = parseCli();

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const portText = values.port ?? process.env.PORT ?? '3000';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`✖ PORT must be a number from 0 to 65535, got "${portText}".`);
  process.exit(2);
}

function banner(rt: LocalRuntime): string {
  const s = rt.seed;
  const lines = [
    '',
    '  Charge point commissioning — local runtime',
    '',
    `  HTTP API        ${rt.url}/api/v1`,
    `  OCPP WebSocket  ${rt.ocppUrl}/{identity}   (subprotocol ocpp1.6 or ocpp2.0.1, Basic auth)`,
    `  Health          ${rt.url}/health`,
    `  Email outbox    ${rt.url}/_local/outbox`,
    `  Data            ${rt.dataDir ?? '(in memory: nothing is kept)'}`,
    `  Table           ${rt.tableName}   (DynamoDB Local at ${rt.dynamodbEndpoint})`,
    rt.dataDir
      ? `  Admin           npm run admin -- list-operators --local${rt.dataDir === DEFAULT_DATA_DIR ? '' : ` --data-dir ${rt.dataDir}`}`
      : '  Admin           (npm run admin -- --local needs a data folder: start without --in-memory)',
  ];
  if (s) {
    lines.push(
      '',
      rt.dataDir ? '  Demo operator (first-start seed; also in .data/local-credentials.json):' : '  Demo operator (seeded for this in-memory run):',
      `  API key         ${s.operatorApiKey}`,
      `  Project         ${s.projectId}`,
      ...(s.jobUrl ? [`  Job link        ${s.jobUrl}   (the installer's page, no login${s.jobLink ? `; until ${s.jobLink.expiresAt.slice(0, 10)}` : ''})`] : []),
      '',
      '  Demo charge points (OCPP Basic auth user = identity). Commissioning rotates a password and keeps',
      '  only its hash; `npm run simulate -- --identity <identity>` connects with, and saves, the current one:',
      ...s.chargePoints.map(describeDemoChargePoint),
      '',
      '  Try:',
      `    curl -s ${rt.url}/health`,
      `    curl -s -H "Authorization: Bearer ${s.operatorApiKey}" ${rt.url}/api/v1/operator/projects`,
    );
  } else {
    lines.push('', '  No demo credentials were found (the data folder predates the seed file).');
  }
  lines.push('', '  Ctrl-C stops everything.', '');
  return lines.join('\n');
}

let runtime: LocalRuntime | undefined;
try {
  runtime = await startLocalRuntime({
    port,
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    ...((values['public-url'] ?? process.env.PUBLIC_URL) ? { publicUrl: values['public-url'] ?? process.env.PUBLIC_URL } : {}),
    inMemory: values['in-memory'],
    ...(values['data-dir'] ?? process.env.DATA_DIR ? { dataDir: values['data-dir'] ?? process.env.DATA_DIR } : {}),
  });
} catch (err) {
  if (err instanceof LocalStartError) {
    console.error(`\n✖ ${err.message}\n  ${err.hint}\n`);
    process.exit(1);
  }
  throw err;
}
console.log(banner(runtime));

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n  ${signal}: stopping…`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await runtime?.stop();
  console.log('  Stopped cleanly.');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
