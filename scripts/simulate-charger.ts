// A well-behaved OCPP charge point for trying the platform without hardware:
//   npm run simulate -- --identity DEMO-CP-16        (URL, password and protocol from the demo data)
//   npm run simulate -- --url ws://localhost:3000/ocpp --identity X --password <pw> [--protocol 1.6|2.0.1]
// The charger itself is scripts/lib/charger.ts (shared with `npm run smoke`): it boots, reports its
// connectors, heartbeats, answers TriggerMessage, Reset, GetConfiguration / GetVariables, and accepts
// a new password (ChangeConfiguration AuthorizationKey / SetVariables BasicAuthPassword), reconnecting
// with it, as real firmware would. It plays a charge as if a car were plugged in: a remote start is
// accepted and metered (--meter-interval seconds, --energy Wh per reading) until a remote stop. This CLI saves a new password to the demo data so the next run
// (and the npm start banner) uses it, and reconnects when the server comes back. Ctrl-C stops it.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findDemoChargePoint, normalizeProtocol, recordRotatedPassword, refusalReason } from '../local/demo-credentials';
import { REPO_ROOT } from '../local/lambda';
import { SimulatedCharger } from './lib/charger';

const USAGE = `Usage: npm run simulate -- --identity <identity> [--password <password>] [--url ws://localhost:3000/ocpp] [--protocol 1.6|2.0.1] [--connectors 2] [--meter-interval 2] [--energy 500] [--current <A>] [--tap <idTag> [--tap-every 5]] [--data-dir .data]
  --current makes the car draw that many A on three phases, held to the charging limits the platform sends (power management,
    PowerBank), and reports Current.Import per phase with each meter reading; the energy then follows that power instead of --energy.
  --tap holds a card to the reader every --tap-every seconds (Authorize) until it is accepted after a refusal: a card to learn.
  A remote start is accepted and charges --energy Wh every --meter-interval seconds until a remote stop.
  For the demo charge points of npm start, --identity is enough: the rest comes from <data-dir>/local-credentials.json.`;

function parseCli() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string' },
        identity: { type: 'string' },
        password: { type: 'string' },
        protocol: { type: 'string' },
        connectors: { type: 'string', default: '2' },
        firmware: { type: 'string', default: '1.0.0-sim' },
        'meter-interval': { type: 'string', default: '2' },
        energy: { type: 'string', default: '500' },
        current: { type: 'string' },
        tap: { type: 'string' },
        'tap-every': { type: 'string', default: '5' },
        'data-dir': { type: 'string' },
      },
    }).values;
  } catch (err) {
    console.error(`✖ ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}
const values = parseCli();
const credentialsFile = join(values['data-dir'] ?? process.env.DATA_DIR ?? join(REPO_ROOT, '.data'), 'local-credentials.json');
const demo = values.identity ? findDemoChargePoint(credentialsFile, values.identity) : undefined;
const givenIdentity = demo?.identity ?? values.identity;
const initialPassword = values.password ?? demo?.password;
if (!givenIdentity || !initialPassword) {
  console.error(`${values.identity ? `✖ ${values.identity} is not a demo charge point in ${credentialsFile}: give --password.\n\n` : ''}${USAGE}`);
  process.exit(2);
}
const identity: string = givenIdentity;
const requestedProtocol = normalizeProtocol(values.protocol ?? demo?.protocol ?? 'ocpp1.6');
if (!requestedProtocol) {
  console.error(`✖ --protocol must be 1.6 or 2.0.1 (or ocpp1.6 / ocpp2.0.1), got "${values.protocol}".\n\n${USAGE}`);
  process.exit(2);
}
const protocol: 'ocpp1.6' | 'ocpp2.0.1' = requestedProtocol;
const meterIntervalS = Number(values['meter-interval']);
const energyWh = Number(values.energy);
if (!(meterIntervalS >= 0.1) || !(energyWh >= 0) || !Number.isInteger(energyWh)) {
  console.error(`✖ --meter-interval must be a number of seconds ≥ 0.1 and --energy a whole number of Wh ≥ 0.\n\n${USAGE}`);
  process.exit(2);
}
const carCurrentA = values.current === undefined ? undefined : Number(values.current);
if (carCurrentA !== undefined && !(carCurrentA >= 0 && carCurrentA <= 80)) {
  console.error(`✖ --current must be a number of A from 0 to 80, got "${values.current}".\n\n${USAGE}`);
  process.exit(2);
}
// The demo data's URL is …/ocpp/{identity}; the client appends the identity itself.
const url = values.url ?? demo?.url.slice(0, -(identity.length + 1)) ?? 'ws://localhost:3000/ocpp';
const say = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

const charger = new SimulatedCharger({
  url,
  identity,
  password: initialPassword,
  protocol,
  connectors: Math.max(1, Number(values.connectors) || 1),
  firmware: values.firmware,
  meterIntervalMs: meterIntervalS * 1000,
  energyPerIntervalWh: energyWh,
  ...(carCurrentA === undefined ? {} : { carCurrentA }),
  reconnect: true,
  log: say,
  // A rotated password lives only here and in the charger; keep it where the next run finds it.
  onPasswordChange: (newPassword) => {
    if (recordRotatedPassword(credentialsFile, identity, newPassword)) say(`new password saved to ${credentialsFile}`);
    else say(`new password: ${newPassword} (not a demo charge point, so not saved: pass it with --password next time)`);
  },
  onRefused: (err) => {
    const challenge = err.response?.headers?.['www-authenticate'];
    console.error(`✖ The server refused ${identity}: ${refusalReason(err.code as number, identity)}${challenge ? ` (${String(challenge)})` : ''}`);
    process.exit(1);
  },
});

process.on('SIGINT', () => {
  void charger.close().finally(() => process.exit(0));
});

charger.start();

// A person holding a card to the reader until the charger says yes after having said no: a card being
// learned is refused while the platform captures it, then accepted once it is added to the location's
// cards (an Accepted before any refusal is free vend, the charger still being installed: keep tapping).
const tapEveryS = Number(values['tap-every']);
if (values.tap) {
  if (!(tapEveryS >= 1)) {
    console.error(`✖ --tap-every must be a number of seconds ≥ 1.\n\n${USAGE}`);
    process.exit(2);
  }
  const tag = values.tap;
  let refused = false;
  const taps = setInterval(() => {
    void charger
      .tap(tag)
      .then((status) => {
        if (status === 'Accepted' && refused) clearInterval(taps);
        else if (status !== undefined && status !== 'Accepted') refused = true;
      })
      .catch(() => undefined);
  }, tapEveryS * 1000);
}
