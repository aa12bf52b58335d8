// Issue #16 "Accounts": installer accounts made by the code before it migrate to person accounts
// with the same ids. The data is test/fixtures/pre-accounts-items.json, written by that code
// (scripts/make-pre-accounts-fixture.ts); everything is checked through the real HTTP handlers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { documentClient } from '../../lib/aws/clients';
import { config } from '../../lib/config';
import { migrateAccounts } from '../../lib/db/migrations/accounts';
import { main as admin } from '../../scripts/admin';
import { apiClient } from './support/api';
import { startTestRuntime } from './support/runtime';
import { scanAll } from './support/table';

interface Fixture {
  madeAt: number;
  installer: { email: string; password: string; installerId: string; resetToken: string };
  pending: { email: string; password: string; verificationToken: string };
  projectId: string;
  items: Record<string, unknown>[];
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/pre-accounts-items.json'), 'utf8')) as Fixture;

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;


beforeAll(async () => {
  rt = await startTestRuntime({ seed: false });
  api = apiClient(rt);
  // The fixture's TTLs (epoch seconds) are moved forward by its age, as if it had been written now.
  const age = Math.floor(Date.now() / 1000) - fixture.madeAt;
  for (const item of fixture.items) {
    const moved = typeof item.expiresAt === 'number' ? { ...item, expiresAt: item.expiresAt + age } : item;
    await documentClient().send(new PutCommand({ TableName: config().tableName, Item: moved }));
  }
});
afterAll(async () => {
  await rt?.stop();
});

describe('migrating installer accounts made before #16', () => {
  it('lets an installer log in and list its projects before the migration ran (the account is migrated on first read)', async () => {
    const login = await api<{ access_token: string }>('POST', '/api/v1/installer/login', { body: { email: fixture.installer.email, password: fixture.installer.password } });
    expect(login.status).toBe(200);
    const projects = await api<{ projects: Array<{ project_id: string }> }>('GET', '/api/v1/installer/projects', { token: login.body.access_token });
    expect(projects.status).toBe(200);
    expect(projects.body.projects.map((p) => p.project_id)).toEqual([fixture.projectId]);
  });

  it('migrates the rest with the same ids: guards and tokens name accountId, no INSTALLER# item is left', async () => {
    // The installer (and its guard) were migrated by the login above; the pending account, its
    // guard, its verification token and the installer's reset token are left.
    expect(await migrateAccounts()).toEqual({ accounts: 1, references: 3 });
    const items = await scanAll();
    expect(items.filter((i) => String(i.pk).startsWith('INSTALLER#'))).toEqual([]);
    expect(items.filter((i) => 'installerId' in i)).toEqual([]);
    const accounts = items.filter((i) => String(i.pk).startsWith('ACCOUNT#'));
    const oldIds = fixture.items.filter((i) => String(i.pk).startsWith('INSTALLER#')).map((i) => i.installerId);
    expect(accounts.map((a) => a.accountId).sort()).toEqual([...oldIds].sort());
    for (const a of accounts) {
      const old = fixture.items.find((i) => i.installerId === a.accountId && String(i.pk).startsWith('INSTALLER#'))!;
      // Everything but the key and the id's name is carried over (the TTL moved with the fixture's age).
      expect({ ...a, expiresAt: undefined }).toMatchObject({ type: 'account', email: old.email, passwordHash: old.passwordHash, status: old.status, createdAt: old.createdAt });
    }
  });

  it('keeps the pending reset token working, which then signs the installer in with the new password', async () => {
    const password = 'Migrated-Reset-Pass-73';
    expect((await api('POST', '/api/v1/installer/password-reset', { body: { token: fixture.installer.resetToken, password } })).status).toBe(200);
    expect((await api('POST', '/api/v1/installer/login', { body: { email: fixture.installer.email, password: fixture.installer.password } })).status).toBe(401);
    const login = await api<{ access_token: string }>('POST', '/api/v1/installer/login', { body: { email: fixture.installer.email, password } });
    expect(login.status).toBe(200);
    const projects = await api<{ projects: Array<{ project_id: string }> }>('GET', '/api/v1/installer/projects', { token: login.body.access_token });
    expect(projects.body.projects.map((p) => p.project_id)).toEqual([fixture.projectId]);
  });

  it('keeps a pending signup verifiable with its emailed token', async () => {
    const verified = await api('POST', '/api/v1/installer/verify-email', { body: { token: fixture.pending.verificationToken, password: fixture.pending.password } });
    expect(verified.status).toBe(200);
    const pendingId = fixture.items.find((i) => i.email === fixture.pending.email && String(i.pk).startsWith('INSTALLER#'))!.installerId;
    expect(verified.body).toEqual({ installer_id: pendingId, status: 'active' });
    expect((await api('POST', '/api/v1/installer/login', { body: { email: fixture.pending.email, password: fixture.pending.password } })).status).toBe(200);
  });

  it('indexes the pre-#16 project by its site through `npm run admin -- migrate` (AP-79), then changes nothing when run again', async () => {
    const run = async () => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        expect(await admin(['migrate'])).toBe(0);
        return log.mock.calls.map((c) => String(c[0]));
      } finally {
        log.mockRestore();
      }
    };
    // The fixture's project was written by the pre-#16 code: no `SITE#{siteId}#PROJECTS` keys.
    expect(await run()).toEqual([expect.stringContaining('0 installer account(s)'), '✔ indexed: 0 operator(s), 0 site(s), 1 project(s), 0 API key(s) made before #16', '✔ pointed: 0 running session(s) that started before running-transaction pointers']);
    const project = (await scanAll()).find((i) => i.pk === `PROJECT#${fixture.projectId}` && i.sk === 'PROJECT')!;
    expect(project).toMatchObject({ gsi2pk: `SITE#${String(project.siteId)}#PROJECTS`, gsi2sk: `${String(project.createdAt)}#${fixture.projectId}` });

    const before = await scanAll();
    expect(await run()).toEqual([expect.stringContaining('0 installer account(s)'), '✔ indexed: 0 operator(s), 0 site(s), 0 project(s), 0 API key(s) made before #16', '✔ pointed: 0 running session(s) that started before running-transaction pointers']);
    expect(await migrateAccounts()).toEqual({ accounts: 0, references: 0 });
    const after = await scanAll();
    const byKey = (items: Record<string, unknown>[]) => Object.fromEntries(items.map((i) => [`${String(i.pk)}|${String(i.sk)}`, i]));
    expect(byKey(after)).toEqual(byKey(before));
  });
});
