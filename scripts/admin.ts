// Operator commands that act on a deployment's table directly, with the caller's AWS credentials
// (the standard AWS SDK chain: AWS_PROFILE, AWS_REGION…). The HTTP API has no route for them on purpose.
//
//   npm run admin -- create-operator --name <CPO name> --email <contact email> --table <DynamoDB table name>
//   npm run admin -- verify-installer --email <email> --table <DynamoDB table name>
//   npm run admin -- migrate --table <DynamoDB table name>
//
// The table name is the Data stack's output (export Commissioning-Data-TableName):
//   aws cloudformation list-exports --query "Exports[?Name=='Commissioning-Data-TableName'].Value" --output text
// TABLE_NAME in the environment works instead of --table.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const USAGE = `Usage: npm run admin -- create-operator --name <name> --email <email> [--table <DynamoDB table name>]
       npm run admin -- verify-installer --email <email> [--table <DynamoDB table name>]
       npm run admin -- migrate [--table <DynamoDB table name>]
  create-operator   a charge point operator and its API key (printed once): the key the operator API and npm run smoke take
  verify-installer  mark an installer account verified without the emailed token (the smoke test on AWS uses it)
  migrate           bring stored data to the current shape (installer accounts made before #16 become accounts
                    with the same ids); idempotent, safe to re-run and to run while the API serves traffic
  --table           the deployed table (Data stack output TableName); default: $TABLE_NAME`;

export interface VerifyInstallerOptions {
  readonly email: string;
  /** @default process.env.TABLE_NAME */
  readonly table?: string;
}

/** Points lib/ at the table. lib/config.ts reads TABLE_NAME once per process, so it cannot change afterwards. */
function useTable(table: string | undefined): void {
  const name = table ?? process.env.TABLE_NAME;
  if (!name) throw new Error('the table is needed: --table <name> or TABLE_NAME');
  if (process.env.TABLE_NAME && process.env.TABLE_NAME !== name) {
    throw new Error(`TABLE_NAME is ${process.env.TABLE_NAME} in this process; cannot switch to ${name}`);
  }
  process.env.TABLE_NAME = name;
}

/** Marks the installer verified through the same use case module as the verify-email route. */
export async function verifyInstaller(options: VerifyInstallerOptions): Promise<{ installer_id: string; status: 'active' }> {
  useTable(options.table);
  // Imported after TABLE_NAME is set: lib/ reads its configuration on first use.
  const { markInstallerVerified } = await import('../lib/domain/installers');
  return markInstallerVerified(options.email);
}

/** A new operator and its API key, through the use case the local seed uses (there is no sign-up route for operators). */
export async function createOperatorCommand(options: { name: string; email: string; table?: string }): Promise<{ operatorId: string; apiKey: string }> {
  useTable(options.table);
  const { createOperator } = await import('../lib/domain/operator-setup');
  const { operator, apiKey } = await createOperator({ name: options.name, contactEmail: options.email });
  return { operatorId: operator.operatorId, apiKey };
}

/** Every data migration, in order; each is idempotent (lib/db/migrations/). */
export async function migrateCommand(options: { table?: string } = {}): Promise<{ accounts: number; references: number }> {
  useTable(options.table);
  const { migrateAccounts } = await import('../lib/db/migrations/accounts');
  return migrateAccounts();
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { email: { type: 'string' }, name: { type: 'string' }, table: { type: 'string' } } });
  } catch (err) {
    console.error(`✖ ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command] = parsed.positionals;
  const { email, name, table } = parsed.values;
  if (command === 'migrate') {
    try {
      const report = await migrateCommand(table ? { table } : {});
      console.log(`✔ migrated: ${report.accounts} installer account(s) to accounts, ${report.references} email guard(s) and emailed token(s)`);
      return 0;
    } catch (err) {
      console.error(`✖ ${(err as Error).message}`);
      return 1;
    }
  }
  if (!email || (command !== 'verify-installer' && !(command === 'create-operator' && name))) {
    console.error(USAGE);
    return 2;
  }
  try {
    if (command === 'create-operator') {
      const created = await createOperatorCommand({ name: name!, email, ...(table ? { table } : {}) });
      console.log(`✔ operator ${created.operatorId} (${name})\n  API key (shown once): ${created.apiKey}`);
    } else {
      const result = await verifyInstaller({ email, ...(table ? { table } : {}) });
      console.log(`✔ ${email} is verified (installer ${result.installer_id})`);
    }
    return 0;
  } catch (err) {
    console.error(`✖ ${(err as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
