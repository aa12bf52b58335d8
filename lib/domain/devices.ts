// Serial + PIN (issue #17, docs/site-devices.md §1). An operator (a charger maker is one) loads the
// chargers it ships: serial, PIN, vendor, model, OCPP version, connectors, one at a time or as a CSV
// file. An installer then adds such a charger to a location with the serial and PIN on its sticker
// (domain/locations.ts addLocationChargePointBySerial), which this module checks.
//
// A serial is one physical charger, so it is global: a serial another operator loaded is 409. It is
// stored in the canonical form of an OCPP identity (ocpp/credentials.ts), as registration stores it,
// so the catalogue's serial is the identity the charger then connects as. PINs are hashed at rest
// with the account passwords' scrypt (lib/auth/passwords.ts) and never shown again.
import { DeviceFields, type DeviceFieldsInput } from '../api/devices';
import { dummyHash, hashUserPassword, verifyUserPassword } from '../auth/passwords';
import { countPinFailure, getDevice, getDeviceGuard, getPinFailures, listDevices, putDevices, type Device, type NewDeviceValues, type PinFailures } from '../db/devices';
import { keys, type Key } from '../db/keys';
import { fieldMessage } from '../http/field-messages';
import { nowIso } from '../ids';
import { canonicalIdentity, isValidIdentity } from '../ocpp/credentials';
import { Conflict, NotFound, TooManyRequests, Unprocessable, ValidationFailed, type FieldIssue } from './errors';

export const deviceView = (d: Device) => ({
  serial_number: d.displaySerial,
  vendor: d.vendor,
  model: d.model,
  ocpp_protocol: d.protocol,
  connectors: d.connectors,
  created_at: d.createdAt,
  updated_at: d.updatedAt,
});

const SERIAL_RULE = 'must be 1–48 characters of A–Z, a–z, 0–9 and * - _ = + | @ . (it becomes the OCPP identity)';

/** The serial as registration reads it (trimmed, a valid identity), or undefined. */
function serialOf(raw: string): { display: string; canonical: string } | undefined {
  const display = raw.trim();
  return isValidIdentity(display) ? { display, canonical: canonicalIdentity(display) } : undefined;
}

async function valuesOf(operatorId: string, serial: { display: string; canonical: string }, fields: DeviceFieldsInput): Promise<NewDeviceValues> {
  return {
    operatorId,
    serial: serial.canonical,
    displaySerial: serial.display,
    pinHash: await hashUserPassword(fields.pin),
    vendor: fields.vendor,
    model: fields.model,
    protocol: fields.ocpp_protocol,
    connectors: fields.connectors,
  };
}

const takenMessage = (serial: string) => `Serial ${serial} is loaded by another operator: a serial is one physical charger; if it is yours, ask that operator to check its catalogue`;

/** PUT /operator/devices/{serial}: loads one charger, or updates it (PIN too) when this operator loaded it before. */
export async function loadDevice(operatorId: string, rawSerial: string, fields: DeviceFieldsInput) {
  const serial = serialOf(rawSerial);
  if (!serial) throw new ValidationFailed('The serial number cannot be used as an OCPP identity', [{ field: 'path.serial', message: SERIAL_RULE }]);
  const outcome = await putDevices([await valuesOf(operatorId, serial, fields)], nowIso());
  if ('taken' in outcome) throw new Conflict(takenMessage(serial.display), { errors: [{ field: 'path.serial', message: 'is loaded by another operator' }] });
  return deviceView((await getDevice(operatorId, serial.canonical))!);
}

export async function operatorDevice(operatorId: string, rawSerial: string) {
  const serial = serialOf(rawSerial);
  // Another operator's charger is absent here, as if it did not exist.
  const device = serial && (await getDevice(operatorId, serial.canonical));
  if (!device) throw new NotFound(`Device ${rawSerial.trim()} not found in this operator's catalogue`);
  return deviceView(device);
}

export async function operatorDevices(operatorId: string, opts: { limit?: number; cursor?: string }) {
  const page = await listDevices(operatorId, opts.limit ?? 50, opts.cursor);
  return { devices: page.items.map(deviceView), next_cursor: page.nextCursor };
}

// --- CSV import -------------------------------------------------------------------------------------

export const CSV_COLUMNS = ['serial', 'pin', 'vendor', 'model', 'ocpp_protocol', 'connectors'] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
/**
 * At most this many chargers per file: each is two items (the serial's guard and the catalogue
 * entry) and a DynamoDB transaction holds at most 100, so a file is written in ONE transaction, all
 * or nothing. It also bounds the PIN hashing (~50 ms each) well inside the API's 29 s.
 */
export const CSV_MAX_ROWS = 50;
/** Issues named per file, at most: enough to fix a file in one go, not a 50-row wall of the same mistake. */
const CSV_MAX_ISSUES = 100;

/** A CSV issue names its line (1 = the header) and column, in `field` and as data. */
export interface CsvIssue extends FieldIssue {
  readonly line: number;
  readonly column: string;
}
const csvIssue = (line: number, column: string, message: string): CsvIssue => ({ field: `line ${line}, column ${column}`, message, line, column });

/**
 * RFC 4180 records: `,` between fields, `"` quotes a field (`""` is a quote inside one), CRLF or LF
 * ends a record. Each record carries the line it starts on. A quote left open is an issue.
 */
export function parseCsv(text: string): { records: Array<{ line: number; fields: string[] }>; issues: CsvIssue[] } {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    // A blank line is no record (spreadsheets end files with one or several).
    if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line += 1;
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      line += 1;
      recordLine = line;
    } else field += ch;
    i += 1;
  }
  if (quoted) return { records, issues: [csvIssue(recordLine, CSV_COLUMNS[Math.min(fields.length, CSV_COLUMNS.length - 1)]!, 'a quoted field is not closed (a " is missing)')] };
  if (field !== '' || fields.length) endRecord();
  return { records, issues: [] };
}

/**
 * POST /operator/devices/import: a CSV file with the header `serial,pin,vendor,model,ocpp_protocol,connectors`
 * (any order, any case) and one charger per line. Every line is checked before anything is written;
 * one wrong value anywhere is a 400 naming each line and column, and nothing is loaded. Serials held
 * by another operator are a 409 naming their lines, also with nothing loaded.
 */
export async function importDevices(operatorId: string, csv: string) {
  const { records, issues: parseIssues } = parseCsv(csv);
  if (parseIssues.length) throw invalidFile(parseIssues);
  const [header, ...rows] = records;
  if (!header) throw invalidFile([csvIssue(1, 'serial', `must be the header ${CSV_COLUMNS.join(',')}`)]);
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const headerIssues: CsvIssue[] = [
    ...CSV_COLUMNS.filter((c) => !names.includes(c)).map((c) => csvIssue(header.line, c, `the header has no column ${c} (it must name ${CSV_COLUMNS.join(',')})`)),
    ...names.filter((n, i) => !(CSV_COLUMNS as readonly string[]).includes(n) || names.indexOf(n) !== i).map((n) => csvIssue(header.line, n || '(empty)', `is not a column of this file, or is named twice (the columns are ${CSV_COLUMNS.join(',')})`)),
  ];
  if (headerIssues.length) throw invalidFile(headerIssues);
  if (!rows.length) throw invalidFile([csvIssue(header.line + 1, 'serial', 'the file has no chargers after its header')]);
  if (rows.length > CSV_MAX_ROWS) throw invalidFile([csvIssue(rows[CSV_MAX_ROWS]!.line, 'serial', `at most ${CSV_MAX_ROWS} chargers per file (one transaction, all or nothing): split the file`)]);

  const issues: CsvIssue[] = [];
  const valid: Array<{ line: number; serial: { display: string; canonical: string }; fields: DeviceFieldsInput }> = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    if (row.fields.length !== names.length) {
      issues.push(csvIssue(row.line, names[Math.min(row.fields.length, names.length - 1)]!, `has ${row.fields.length} fields; the header names ${names.length}`));
      continue;
    }
    const cell = Object.fromEntries(names.map((n, i) => [n, row.fields[i]!.trim()])) as Record<CsvColumn, string>;
    const serial = serialOf(cell.serial);
    if (!serial) issues.push(csvIssue(row.line, 'serial', SERIAL_RULE));
    else if (seen.has(serial.canonical)) issues.push(csvIssue(row.line, 'serial', `repeats the serial of line ${seen.get(serial.canonical)} (serials compare case-insensitively)`));
    else seen.set(serial.canonical, row.line);
    // The same rules as PUT: connectors is the one number; anything else stays text, so "two" fails as "must be a number".
    const parsed = DeviceFields.safeParse({ ...cell, connectors: /^\d+$/.test(cell.connectors) ? Number(cell.connectors) : cell.connectors }, { error: fieldMessage });
    if (!parsed.success) for (const i of parsed.error.issues) issues.push(csvIssue(row.line, String(i.path[0] ?? 'serial'), i.message));
    if (serial && parsed.success) valid.push({ line: row.line, serial, fields: parsed.data });
  }
  if (issues.length) throw invalidFile(issues);

  const values = await Promise.all(valid.map((v) => valuesOf(operatorId, v.serial, v.fields)));
  const outcome = await putDevices(values, nowIso());
  if ('taken' in outcome) {
    const lines = valid.filter((v) => outcome.taken.includes(v.serial.canonical));
    throw new Conflict(`${lines.length} serial(s) of the file are loaded by another operator; nothing was loaded`, {
      errors: lines.map((v) => csvIssue(v.line, 'serial', 'is loaded by another operator')),
    });
  }
  const devices = await Promise.all(valid.map((v) => getDevice(operatorId, v.serial.canonical)));
  return { imported: valid.length, created: outcome.created.length, updated: valid.length - outcome.created.length, devices: devices.map((d) => deviceView(d!)) };
}

function invalidFile(issues: CsvIssue[]): ValidationFailed {
  const shown = issues.slice(0, CSV_MAX_ISSUES);
  const more = issues.length - shown.length;
  return new ValidationFailed(`The file was not loaded (nothing was): ${shown.slice(0, 3).map((i) => `${i.field}: ${i.message}`).join('; ')}${issues.length > 3 ? `; and ${issues.length - 3} more` : ''}`, [
    ...shown,
    ...(more > 0 ? [csvIssue(shown[shown.length - 1]!.line, 'serial', `and ${more} more issue(s) not listed`)] : []),
  ]);
}

// --- Adding a charger by serial + PIN ---------------------------------------------------------------

const DAY_MS = 86_400_000;

/**
 * Wrong serial + PIN attempts lock (docs/site-devices.md §1). Each counts failures in a window that
 * starts with the first one; at the limit within 24 h, the subject is locked for 24 h from that
 * attempt. Unknown serials count like known ones, so a lock says nothing about whether a serial exists.
 * - per serial and account: 5, so a guessed PIN has 5 tries a day, and one installer cannot lock a
 *   serial for others;
 * - per account, any serial: 20, so nobody scans a range of serials with a few tries each;
 * - per serial, any account: 25, so many accounts together cannot brute-force one PIN.
 * A success does not reset them (decision): the per-account count would otherwise be reset by
 * adding one charger the caller holds the PIN of, reopening the range scan.
 */
export const PIN_LOCKS = {
  serial_account: { limit: 5, windowMs: DAY_MS, lockMs: DAY_MS },
  account: { limit: 20, windowMs: DAY_MS, lockMs: DAY_MS },
  serial: { limit: 25, windowMs: DAY_MS, lockMs: DAY_MS },
} as const;
type LockScope = keyof typeof PIN_LOCKS;

function lockKeys(serial: string, accountId: string): Record<LockScope, Key> {
  return { serial_account: keys.pinFailuresOfSerialByAccount(serial, accountId), account: keys.pinFailuresOfAccount(accountId), serial: keys.pinFailuresOfSerial(serial) };
}

const LOCK_WORDS: Record<LockScope, string> = {
  serial_account: `This serial number is locked for your account after ${PIN_LOCKS.serial_account.limit} wrong PINs within 24 hours`,
  account: `Adding chargers by serial number and PIN is locked for your account after ${PIN_LOCKS.account.limit} wrong serial numbers or PINs within 24 hours`,
  serial: `This serial number is locked after ${PIN_LOCKS.serial.limit} wrong PINs within 24 hours`,
};

/** The 429 of a running lock: when it ends, in the body (`locked_until`), the words and Retry-After. */
function locked(scope: LockScope, until: number, nowMs: number): TooManyRequests {
  const at = new Date(until).toISOString();
  return new TooManyRequests(`${LOCK_WORDS[scope]}; try again after ${at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`, {
    locked_until: at,
    lock: scope,
    retry_after_seconds: Math.max(1, Math.ceil((until - nowMs) / 1000)),
  });
}

/** The running lock that ends last, if any. */
function runningLock(states: ReadonlyArray<readonly [LockScope, PinFailures | undefined]>, nowMs: number): TooManyRequests | undefined {
  const running = states.filter(([, s]) => s?.lockedUntil !== undefined && s.lockedUntil > nowMs).sort((a, b) => b[1]!.lockedUntil! - a[1]!.lockedUntil!);
  const [scope, state] = running[0] ?? [];
  return scope && state ? locked(scope, state.lockedUntil!, nowMs) : undefined;
}

export const WRONG_SERIAL_OR_PIN = 'The serial number or PIN is not right';

/**
 * The catalogue charger the serial and PIN name, for an account adding it to a location. Refused
 * while a lock runs (429, even with the right PIN). An unknown serial and a wrong PIN are one and the
 * same 422 naming `pin`, after the same work: the PIN is compared with a dummy hash when the serial is
 * unknown, and both count towards the locks. The clock is `Date.now()` (tests move it).
 */
export async function deviceByPin(accountId: string, rawSerial: string, pin: string): Promise<Device> {
  const serial = serialOf(rawSerial);
  // Not a possible serial at all (the format is public): a plain 400, not an attempt.
  if (!serial) throw new ValidationFailed('The serial number cannot be used as an OCPP identity', [{ field: 'serial_number', message: SERIAL_RULE }]);
  const k = lockKeys(serial.canonical, accountId);
  const scopes = Object.keys(PIN_LOCKS) as LockScope[];
  const nowMs = Date.now();
  const before = await Promise.all(scopes.map(async (s) => [s, await getPinFailures(k[s])] as const));
  const lock = runningLock(before, nowMs);
  if (lock) throw lock;

  const guard = await getDeviceGuard(serial.canonical);
  const device = guard ? await getDevice(guard.operatorId, serial.canonical) : undefined;
  const right = await verifyUserPassword(pin.trim(), device?.pinHash ?? (await dummyHash()));
  if (device && right) return device;

  const after = await Promise.all(scopes.map(async (s) => [s, await countPinFailure(k[s], PIN_LOCKS[s].limit, PIN_LOCKS[s].windowMs, PIN_LOCKS[s].lockMs, nowMs)] as const));
  // The attempt that reaches a limit is told at once that it locked, and until when.
  const nowLocked = runningLock(after, nowMs);
  if (nowLocked) throw nowLocked;
  throw new Unprocessable(WRONG_SERIAL_OR_PIN, [{ field: 'pin', message: 'serial number or PIN is not right' }]);
}
