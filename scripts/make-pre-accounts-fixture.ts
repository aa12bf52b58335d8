// Makes test/fixtures/pre-accounts-items.json: the installer-account items exactly as the code
// before issue #16 ("one kind of person account") writes them, so the accounts migration
// (lib/db/migrations/accounts.ts) is tested on real old data, not on what we think it looked like.
//
// The committed fixture was made by this script at commit ebeb922+23c48c6 (main before the
// `accounts` branch changed any code: `INSTALLER#{id}` items, guards and tokens holding
// `installerId`). It cannot be remade after the rename (the current code writes the new shape);
// it is kept to say how the fixture came about.
//
//   npx tsx scripts/make-pre-accounts-fixture.ts
//
// It starts an in-memory DynamoDB Local and the local runtime, then runs the use cases through the
// real HTTP API: an operator assigns the installer's email to the demo project, the installer signs
// up and verifies, fails one login, asks for a password reset (left pending), and a second person
// signs up and never verifies. Every item whose pk starts INSTALLER#, EMAIL#, VERIFY#, RESET# or
// LOGINFAIL#, the assignment and the assigned project are dumped. The password is a test password;
// the raw reset and verification tokens are kept beside the items (the table holds only their
// sha256) so the migration test can check they still work. `madeAt` lets a loader move every
// `expiresAt` (epoch seconds) forward by the fixture's age, so the tokens are still live.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { REPO_ROOT } from '../local/lambda';
import { startLocalRuntime } from '../local/runtime';

const INSTALLER = { email: 'ines.installer@fixture.example', password: 'Fixture-Installer-Pass-42', name: 'Ines Installer' };
const PENDING = { email: 'pat.pending@fixture.example', password: 'Fixture-Pending-Pass-42', name: 'Pat Pending' };
const PREFIXES = ['INSTALLER#', 'EMAIL#', 'VERIFY#', 'RESET#', 'LOGINFAIL#'];

async function main() {
  process.env.LOG_LEVEL ??= 'warn';
  const ddb = await startDynamoDbLocal({});
  const rt = await startLocalRuntime({ port: 0, inMemory: true, dynamodbEndpoint: ddb.endpoint, tableName: 'pre-accounts-fixture', schedules: 'manual' });
  try {
    const api = async (method: string, path: string, body?: unknown, token?: string) => {
      const res = await fetch(`${rt.url}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
    };
    const expect = (what: string, status: number, want: number) => {
      if (status !== want) throw new Error(`${what}: ${status}, expected ${want}`);
    };
    const tokenIn = async (to: string, label: string) => {
      await rt.drain();
      const mail = rt.outbox.list({ to }).find((m) => m.text?.includes(`${label} token:`));
      return new RegExp(`${label} token: (\\S+)`).exec(mail?.text ?? '')![1]!;
    };
    const seed = rt.seed!;

    expect('assign', (await api('POST', `/api/v1/operator/projects/${seed.projectId}/installers`, { email: INSTALLER.email }, seed.operatorApiKey)).status, 201);
    expect('signup', (await api('POST', '/api/v1/installer/signup', INSTALLER)).status, 202);
    const verified = await api('POST', '/api/v1/installer/verify-email', { token: await tokenIn(INSTALLER.email, 'Verification'), password: INSTALLER.password });
    expect('verify', verified.status, 200);
    expect('failed login', (await api('POST', '/api/v1/installer/login', { email: INSTALLER.email, password: 'Not-The-Password-1' })).status, 401);
    expect('reset request', (await api('POST', '/api/v1/installer/password-reset/request', { email: INSTALLER.email })).status, 202);
    const resetToken = await tokenIn(INSTALLER.email, 'Reset');
    expect('pending signup', (await api('POST', '/api/v1/installer/signup', PENDING)).status, 202);
    const pendingVerificationToken = await tokenIn(PENDING.email, 'Verification');

    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    const { documentClient } = await import('../lib/aws/clients');
    do {
      const page = await documentClient().send(new ScanCommand({ TableName: rt.tableName, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const kept = items
      .filter((i) => {
        const pk = String(i.pk);
        const sk = String(i.sk);
        return PREFIXES.some((p) => pk.startsWith(p)) || (pk === `PROJECT#${seed.projectId}` && (sk === 'PROJECT' || sk.startsWith('ASSIGN#')));
      })
      .sort((a, b) => `${String(a.pk)}|${String(a.sk)}`.localeCompare(`${String(b.pk)}|${String(b.sk)}`));

    const fixture = {
      comment: 'Made by scripts/make-pre-accounts-fixture.ts with the pre-#16 code (main at 23c48c6). Test data only: the passwords are test passwords.',
      madeAt: Math.floor(Date.now() / 1000),
      installer: { ...INSTALLER, installerId: verified.body.installer_id, resetToken },
      pending: { ...PENDING, verificationToken: pendingVerificationToken },
      projectId: seed.projectId,
      items: kept,
    };
    const file = join(REPO_ROOT, 'test/fixtures/pre-accounts-items.json');
    writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
    console.log(`✔ ${kept.length} items written to ${file}`);
  } finally {
    await rt.stop();
    await ddb.stop();
  }
}

await main();
