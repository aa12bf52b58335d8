// The OCA schema validators are compiled ahead of time (scripts/gen-ocpp-schemas.ts, issue #13): no
// function carries the Ajv compiler, and each carries only the validators it calls.
import { beforeAll, describe, expect, it } from 'vitest';
import { measureBundle, type BundleSize } from '../../scripts/bundle-sizes';

/** Ajv's compiler and the JSON schemas it would compile: none of it may be bundled. */
const COMPILER = [/node_modules\/ajv\/dist\/(ajv|core)\.js$/, /node_modules\/ajv\/dist\/compile\//, /^lib\/ocpp\/schemas\//];
/**
 * Which generated validator modules made it into the code (a module esbuild reads but shakes out is
 * still among the inputs): each exports a `validators` map keyed `"<Action>.<req|conf>"`, and these keys
 * occur nowhere else.
 */
const MARKERS: Record<string, string> = {
  'ocpp16.received': '"StartTransaction.req"',
  'ocpp16.answers': '"StartTransaction.conf"',
  'ocpp16.commands': '"RemoteStartTransaction.req"',
  'ocpp201.received': '"TransactionEvent.req"',
  'ocpp201.answers': '"TransactionEvent.conf"',
  'ocpp201.commands': '"RequestStartTransaction.req"',
};
const validatorsIn = (b: BundleSize) => Object.keys(MARKERS).filter((m) => b.code.includes(MARKERS[m]!)).sort();

describe('OCPP validators in the Lambda bundles', () => {
  let message: BundleSize;
  let sendCommand: BundleSize;
  beforeAll(async () => {
    [message, sendCommand] = await Promise.all([measureBundle('functions/ocpp/message.ts'), measureBundle('functions/api/operator/send-command.ts')]);
  }, 300_000);

  it.each(['message', 'sendCommand'] as const)('%s bundles no Ajv compiler and no schema to compile', (name) => {
    const bundle = name === 'message' ? message : sendCommand;
    expect(bundle.inputs.filter((i) => COMPILER.some((re) => re.test(i)))).toEqual([]);
  });

  it.each(['message', 'sendCommand'] as const)('%s bundles of Ajv and ajv-formats only the run-time pieces the validators call (not all ajv-formats formats)', (name) => {
    const bundle = name === 'message' ? message : sendCommand;
    const ajvModules = bundle.modules.map((m) => m.input).filter((i) => /node_modules\/ajv(-formats)?\//.test(i));
    expect(ajvModules.filter((i) => !/node_modules\/ajv\/dist\/runtime\/ucs2length\.js$/.test(i))).toEqual([]);
  });

  it('$default carries what it validates: charger CALLs, answers to commands and its own answers, not the command requests', () => {
    expect(validatorsIn(message)).toEqual(['ocpp16.answers', 'ocpp16.received', 'ocpp201.answers', 'ocpp201.received']);
  });

  // Every OCPP function writes log items, which need each action's category only; the wording of the
  // charge point log (9 KiB) belongs to the functions that show it.
  it('$default carries the log categories, not the charge point log glossary', () => {
    const own = message.modules.filter((m) => m.bytes > 0).map((m) => m.input);
    expect(own).toContain('lib/domain/log-categories.ts');
    expect(own).not.toContain('lib/domain/log-glossary.ts');
  });

  it('the operator command function carries the command request validators only', () => {
    expect(validatorsIn(sendCommand)).toEqual(['ocpp16.commands', 'ocpp201.commands']);
  });
});
