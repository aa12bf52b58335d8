// Operator commands that act on a deployment's table directly, with the caller's AWS credentials
// (the standard AWS SDK chain: AWS_PROFILE, AWS_REGION…), or on the table of a running `npm start`
// (--local). There is no HTTP route that creates an operator: this is how the first one, its first
// admin and its first API key come to exist (issue #16, docs/deploy.md "From cdk deploy to a first API call").
//
//   npm run admin -- create-operator --name <CPO name> --email <first admin's email> (--table <name> | --local)
//   npm run admin -- create-api-key --operator <operator id> [--name <label>] [--scopes full|read_only|a,b] (--table … | --local)
//   npm run admin -- revoke-api-key --key-id <key id> (--table … | --local)
//   npm run admin -- list-operators (--table … | --local)
//   npm run admin -- verify-installer --email <email> (--table … | --local)
//   npm run admin -- migrate (--table … | --local)
//
// The deployed table is the Data stack's output TableName (@aws-sdk/client-cloudformation is not a
// dependency, so the command does not look it up itself):
//   aws cloudformation describe-stacks --stack-name Commissioning-Data --query "Stacks[0].Outputs[?OutputKey=='TableName'].OutputValue" --output text
// TABLE_NAME in the environment works instead of --table.
// A Node 20 dev machine gets the SDK's deprecation notice on every run: noise here (as in local/main.ts).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';

const USAGE = `Usage: npm run admin -- <command> [options] (--table <DynamoDB table name> | --local [--data-dir D])
  create-operator  --name <name> --email <email>
                   a charge point operator, a full API key (printed once) and its first admin: the
                   account with that email if it exists, otherwise an invitation mailed to it
                   (needs EVENT_BUS_NAME, WEBHOOK_SECRETS_KEY_ID and PUBLIC_BASE_URL on a deployed stack)
  create-api-key   --operator <operator id> [--name <label>] [--scopes full|read_only|<action>,<action>…]
                   another API key (printed once); default scopes: full
  revoke-api-key   --key-id <key id>       revoke a key at once
  list-operators                           every operator with its id
  verify-installer --email <email>         mark an account verified without the emailed token (the smoke test on AWS uses it)
  migrate                                  bring stored data to the current shape (installer accounts made before #16
                                           become accounts with the same ids; operators, sites, projects and API keys
                                           made before #16 get their index attributes; sessions running since before
                                           running-transaction pointers get one); idempotent, safe to re-run and
                                           to run while the API serves traffic
  --table          the deployed table (Data stack output TableName); default: $TABLE_NAME
  --local          the table of the running \`npm start\` (read from <data dir>/local-admin.json)
  --data-dir       the data folder of that \`npm start\` (default .data)`;

const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface Target {
  /** @default process.env.TABLE_NAME */
  readonly table?: string;
  /** The running `npm start` whose data folder is this (its local-admin.json names the table and endpoints). */
  readonly localDataDir?: string;
}

/**
 * Points lib/ at the table. lib/config.ts reads TABLE_NAME once per process, so it cannot change
 * afterwards; returns the table name, which every command prints so nobody writes to the wrong one.
 */
function useTable(target: Target): string {
  if (target.localDataDir) {
    const file = join(resolve(target.localDataDir), 'local-admin.json');
    let env: Record<string, string>;
    try {
      env = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      throw new Error(`no running npm start found (${file} is missing): start it, or pass its --data-dir`);
    }
    if (process.env.TABLE_NAME && process.env.TABLE_NAME !== env.TABLE_NAME) throw new Error(`TABLE_NAME is ${process.env.TABLE_NAME} in this process; cannot switch to ${env.TABLE_NAME}`);
    Object.assign(process.env, env);
    return env.TABLE_NAME!;
  }
  const name = target.table ?? process.env.TABLE_NAME;
  if (!name) throw new Error('the table is needed: --table <name>, TABLE_NAME, or --local for npm start');
  if (process.env.TABLE_NAME && process.env.TABLE_NAME !== name) {
    throw new Error(`TABLE_NAME is ${process.env.TABLE_NAME} in this process; cannot switch to ${name}`);
  }
  process.env.TABLE_NAME = name;
  return name;
}

/** Marks the installer verified through the same use case module as the verify-email route. */
export async function verifyInstaller(options: { email: string } & Target): Promise<{ installer_id: string; status: 'active' }> {
  useTable(options);
  // Imported after TABLE_NAME is set: lib/ reads its configuration on first use.
  const { markInstallerVerified } = await import('../lib/domain/installers');
  return markInstallerVerified(options.email);
}

export interface CreatedOperator {
  readonly table: string;
  readonly operatorId: string;
  readonly keyId: string;
  /** Shown once. */
  readonly apiKey: string;
  /** The first admin: an existing account made admin, or an invitation mailed to the email. */
  readonly admin: { readonly kind: 'account'; readonly accountId: string } | { readonly kind: 'invited'; readonly email: string; readonly invitationId: string; readonly expiresAt: string };
}

/** What createInvitation needs besides the table: the bus its mail goes through, the KMS key that seals its token, the link's base. */
const INVITATION_ENV = ['EVENT_BUS_NAME', 'WEBHOOK_SECRETS_KEY_ID', 'PUBLIC_BASE_URL'] as const;

/**
 * A new operator, a full API key and its first admin. The email's account, if one exists, becomes
 * admin at once: whoever runs this holds the table's credentials, so asking the account to accept
 * would prove nothing more. Otherwise an admin invitation is mailed to the email (the person signs
 * up with it at /api/v1/installer/signup and accepts): the environment must name the bus, the KMS
 * key and the public URL, checked before anything is written.
 */
export async function createOperatorCommand(options: { name: string; email: string } & Target): Promise<CreatedOperator> {
  const table = useTable(options);
  const { createOperator } = await import('../lib/domain/operator-setup');
  const { getAccountByEmail } = await import('../lib/db/accounts');
  const account = await getAccountByEmail(options.email);
  const missing = account ? [] : INVITATION_ENV.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(`${options.email} has no account yet, so an admin invitation will be mailed; set ${missing.join(', ')} (docs/deploy.md "From cdk deploy to a first API call"), or sign up first`);
  }
  const { operator, apiKey, keyId } = await createOperator({ name: options.name, contactEmail: options.email, ...(account ? { adminAccountId: account.accountId } : {}) });
  if (account) return { table, operatorId: operator.operatorId, keyId, apiKey, admin: { kind: 'account', accountId: account.accountId } };
  const { inviteStaff } = await import('../lib/domain/operator-staff');
  const { invitation } = await inviteStaff(operator.operatorId, { email: options.email, role: 'admin', invitedBy: 'admin-command' });
  return { table, operatorId: operator.operatorId, keyId, apiKey, admin: { kind: 'invited', email: invitation.email, invitationId: invitation.invitationId, expiresAt: invitation.validUntil } };
}

/** `full`, `read_only`, or comma-separated operator actions, checked by the same rule as the API (400 there, an error here). */
export async function createApiKeyCommand(options: { operatorId: string; name?: string; scopes?: string } & Target): Promise<{ table: string; keyId: string; apiKey: string; scopes: readonly string[] }> {
  const table = useTable(options);
  const { getOperator } = await import('../lib/db/operators');
  const { createApiKey } = await import('../lib/domain/operator-api-keys');
  if (!(await getOperator(options.operatorId))) throw new Error(`no operator ${options.operatorId} in table ${table} (list-operators shows them)`);
  const scopes = (options.scopes ?? 'full').split(',').map((s) => s.trim()).filter(Boolean);
  const created = await createApiKey(options.operatorId, { name: options.name ?? 'made with npm run admin', scopes });
  return { table, keyId: created.record.keyId, apiKey: created.apiKey, scopes: created.record.scopes ?? [] };
}

export async function revokeApiKeyCommand(options: { keyId: string } & Target): Promise<{ table: string; operatorId: string }> {
  const table = useTable(options);
  const { getApiKey } = await import('../lib/db/operators');
  const { revokeApiKey } = await import('../lib/domain/operator-api-keys');
  const key = await getApiKey(options.keyId);
  if (!key) throw new Error(`no API key ${options.keyId} in table ${table}`);
  await revokeApiKey(key.operatorId, key.keyId);
  return { table, operatorId: key.operatorId };
}

export async function listOperatorsCommand(options: Target): Promise<{ table: string; operators: Array<{ operatorId: string; name: string; contactEmail: string; createdAt: string }> }> {
  const table = useTable(options);
  const { listOperators } = await import('../lib/db/operators');
  const operators = await listOperators();
  return { table, operators: operators.map(({ operatorId, name, contactEmail, createdAt }) => ({ operatorId, name, contactEmail, createdAt })) };
}

/** Every data migration, in order; each is idempotent (lib/db/migrations/). */
export async function migrateCommand(options: Target = {}): Promise<import('../lib/db/migrations').MigrationReport> {
  useTable(options);
  const { migrateAll } = await import('../lib/db/migrations');
  return migrateAll();
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        table: { type: 'string' },
        local: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        operator: { type: 'string' },
        scopes: { type: 'string' },
        'key-id': { type: 'string' },
      },
    });
  } catch (err) {
    console.error(`✖ ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command] = parsed.positionals;
  const v = parsed.values;
  const target: Target = v.local ? { localDataDir: v['data-dir'] ?? join(REPO_ROOT, '.data') } : v.table ? { table: v.table } : {};
  const need = (ok: unknown) => {
    if (!ok) throw new UsageError();
  };
  try {
    switch (command) {
      case 'create-operator': {
        need(v.name && v.email);
        const c = await createOperatorCommand({ name: v.name!, email: v.email!, ...target });
        console.log(`  table ${c.table}`);
        console.log(`✔ operator ${c.operatorId} (${v.name})`);
        console.log(`  API key ${c.keyId} (full; shown once, keep it): ${c.apiKey}`);
        console.log(
          c.admin.kind === 'account'
            ? `  admin: ${v.email} (account ${c.admin.accountId})`
            : `  admin: invitation ${c.admin.invitationId} mailed to ${c.admin.email} (sign up with that email, then open the link; valid until ${c.admin.expiresAt})`,
        );
        break;
      }
      case 'create-api-key': {
        need(v.operator);
        const c = await createApiKeyCommand({ operatorId: v.operator!, ...(v.name ? { name: v.name } : {}), ...(v.scopes ? { scopes: v.scopes } : {}), ...target });
        console.log(`  table ${c.table}`);
        console.log(`✔ API key ${c.keyId} (${c.scopes.join(', ')}; shown once, keep it): ${c.apiKey}`);
        break;
      }
      case 'revoke-api-key': {
        need(v['key-id']);
        const c = await revokeApiKeyCommand({ keyId: v['key-id']!, ...target });
        console.log(`  table ${c.table}`);
        console.log(`✔ API key ${v['key-id']} of operator ${c.operatorId} is revoked`);
        break;
      }
      case 'list-operators': {
        const c = await listOperatorsCommand(target);
        console.log(`  table ${c.table}`);
        for (const o of c.operators) console.log(`  ${o.operatorId}  ${o.name}  <${o.contactEmail}>  since ${o.createdAt}`);
        if (c.operators.length === 0) console.log('  (no operators yet: create-operator makes one)');
        break;
      }
      case 'migrate': {
        const report = await migrateCommand(target);
        console.log(`✔ migrated: ${report.accounts} installer account(s) to accounts, ${report.references} email guard(s) and emailed token(s)`);
        const i = report.indexes;
        console.log(`✔ indexed: ${i.operators} operator(s), ${i.sites} site(s), ${i.projects} project(s), ${i.apiKeys} API key(s) made before #16`);
        console.log(`✔ pointed: ${report.runningPointers} running session(s) that started before running-transaction pointers`);
        break;
      }
      case 'verify-installer': {
        need(v.email);
        const result = await verifyInstaller({ email: v.email!, ...target });
        console.log(`✔ ${v.email} is verified (installer ${result.installer_id})`);
        break;
      }
      default:
        throw new UsageError();
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(USAGE);
      return 2;
    }
    const issues = (err as { issues?: Array<{ field: string; message: string }> }).issues;
    console.error(`✖ ${(err as Error).message}${issues ? issues.map((i) => `\n  ${i.field}: ${i.message}`).join('') : ''}`);
    return 1;
  }
}

class UsageError extends Error {}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
