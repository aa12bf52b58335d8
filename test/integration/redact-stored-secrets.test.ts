// The one-shot purge: log entries and command records written before redaction on write still hold
// charger passwords in plain text. Starting the local runtime on such a table rewrites them.
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { documentClient } from '../../lib/aws/clients';
import { ENTITY, keys } from '../../lib/db/keys';
import { redactStoredSecrets } from '../../lib/db/redact-secrets';
import { startTestRuntime } from './support/runtime';

const KEY16 = 'cd'.repeat(20);
const PASS201 = 'Old-Plaintext-Passw0rd';
const tableName = `test-${randomBytes(6).toString('hex')}`;
let rt: LocalRuntime | undefined;
afterAll(async () => rt?.stop());

const at = '2026-01-01T00:00:00.000Z';
// Items exactly as the code before the fix wrote them (frames verbatim), put directly.
const plaintextItems = () => [
  {
    ...keys.logEntry('CP-OLD-16', at, 'call_out#m1'),
    type: ENTITY.logEntry,
    identity: 'CP-OLD-16',
    at,
    category: 'ocpp_state',
    kind: 'call_out',
    action: 'ChangeConfiguration',
    messageId: 'm1',
    frameOut: JSON.stringify([2, 'm1', 'ChangeConfiguration', { key: 'AuthorizationKey', value: KEY16 }]),
  },
  {
    ...keys.logEntry('CP-OLD-201', at, 'call_out#m2'),
    type: ENTITY.logEntry,
    identity: 'CP-OLD-201',
    at,
    category: 'ocpp_state',
    kind: 'call_out',
    action: 'SetVariables',
    messageId: 'm2',
    frameOut: JSON.stringify([2, 'm2', 'SetVariables', { setVariableData: [{ attributeValue: PASS201, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] }]),
  },
  {
    ...keys.command('cmd_old'),
    type: ENTITY.command,
    commandId: 'cmd_old',
    identity: 'CP-OLD-16',
    action: 'ChangeConfiguration',
    request: { key: 'AuthorizationKey', value: KEY16 },
    messageId: 'm1',
    status: 'accepted',
    sentAt: at,
  },
];
const heartbeat = {
  ...keys.logEntry('CP-OLD-16', at, 'call_in#h1'),
  type: ENTITY.logEntry,
  identity: 'CP-OLD-16',
  at,
  category: 'ocpp_state',
  kind: 'call_in',
  action: 'Heartbeat',
  frameIn: '[2,"h1","Heartbeat",{}]',
};

const get = async (item: { pk: string; sk: string }) => (await documentClient().send(new GetCommand({ TableName: tableName, Key: { pk: item.pk, sk: item.sk } }))).Item;

describe('purging secrets stored before redaction', () => {
  it('rewrites plaintext log items and command records when the local runtime starts on an existing table', async () => {
    // A first start creates the table; the old plaintext items are then put as the old code wrote them.
    const first = await startTestRuntime({ tableName, seed: false });
    for (const Item of [...plaintextItems(), heartbeat]) await documentClient().send(new PutCommand({ TableName: tableName, Item }));
    await first.stop();

    rt = await startTestRuntime({ tableName, seed: false });
    const [log16, log201, command] = plaintextItems();
    const texts = JSON.stringify([await get(log16!), await get(log201!), await get(command!)]);
    expect(texts).not.toContain(KEY16);
    expect(texts).not.toContain(PASS201);
    expect(JSON.parse((await get(log16!))!.frameOut as string)).toEqual([2, 'm1', 'ChangeConfiguration', { key: 'AuthorizationKey', value: '[redacted]' }]);
    expect((await get(command!))!.request).toEqual({ key: 'AuthorizationKey', value: '[redacted]' });
    expect(await get(heartbeat)).toEqual(heartbeat); // nothing else is touched
  });

  it('is idempotent: a second run finds nothing left to rewrite', async () => {
    const report = await redactStoredSecrets();
    expect(report.scanned).toBeGreaterThanOrEqual(4);
    expect(report.rewritten).toBe(0);
  });
});
