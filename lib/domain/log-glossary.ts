// The charge point log in plain words (issue #15; DOMAIN.md §2, the remote actions guide's
// glossary and colours). Pure: the category, colour and description of a log entry follow from
// what was stored (kind, action, frames, detail), so entries written before this module read the
// same as new ones. test/unit/domain/log-glossary.test.ts checks that every action of both OCPP
// versions that the CSMS receives or sends has a category and a description.
import type { LogCategory, LogEntry } from '../db/logs';
import { RECEIVED_CATEGORY, SENT_CATEGORY } from './log-categories';

export { guideCategory } from './log-categories';

/**
 * The guide's four colours. `audit` (changes people made: a serial typed through a job link, a
 * password shown, a note) keeps its own category, so the operator can still ask for exactly those
 * (`?category=audit`), but is drawn white with authentication and security: it is the "who did
 * what" trail, and the guide has four colours, not five. The label says which of the two it is,
 * so colour is never the only cue.
 */
export const CATEGORY_STYLE = {
  ocpp_state: { colour: 'blue', label: 'OCPP state' },
  transaction: { colour: 'green', label: 'Transaction' },
  connection: { colour: 'yellow', label: 'Connect / disconnect' },
  security: { colour: 'white', label: 'Authentication and security' },
  audit: { colour: 'white', label: 'Change by a person' },
} as const satisfies Record<LogCategory, { colour: string; label: string }>;

export type LogColour = (typeof CATEGORY_STYLE)[LogCategory]['colour'];
export type LogDirection = 'received' | 'sent';

type Json = Record<string, unknown>;
type Describe = (req: Json, res: Json | undefined) => string;

/** How an action is worded; its category is in log-categories.ts. */
interface Words {
  /** What the CALL means, from its request and (when we have it) its answer. */
  readonly describe: Describe;
}

interface Gloss {
  readonly category: LogCategory;
  /** What the CALL means, from its request and (when we have it) its answer. */
  readonly describe: Describe;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** The first period's limit of a SetChargingProfile (1.6 csChargingProfiles, 2.0.1 chargingProfile with a list of schedules). */
const profileLimit = (req: Record<string, unknown>): string | undefined => {
  const profile = (req.csChargingProfiles ?? req.chargingProfile) as { chargingSchedule?: unknown } | undefined;
  const schedule = (Array.isArray(profile?.chargingSchedule) ? profile.chargingSchedule[0] : profile?.chargingSchedule) as { chargingRateUnit?: unknown; chargingSchedulePeriod?: unknown } | undefined;
  const limit = (arr(schedule?.chargingSchedulePeriod)[0] as { limit?: unknown } | undefined)?.limit;
  return typeof limit === 'number' ? `${limit} ${str(schedule?.chargingRateUnit) ?? ''}`.trim() : undefined;
};
/** " (a, b)" from the parts that are present, or "". */
const paren = (...parts: Array<string | undefined | false>): string => {
  const kept = parts.filter((p): p is string => typeof p === 'string' && p !== '');
  return kept.length ? ` (${kept.join(', ')})` : '';
};
const answered = (res: Json | undefined, path: (r: Json) => unknown = (r) => r.status): string | undefined => {
  const s = res ? str(path(res)) : undefined;
  return s ? `answer ${s}` : undefined;
};

/**
 * Connector states in the guide's words (1.6 §4.9 ChargePointStatus, 2.0.1 ConnectorStatusEnumType;
 * SuspendedEV/SuspendedEVSE/Charging are also 2.0.1 TransactionEvent chargingState values).
 */
export const STATUS_WORDS: Readonly<Record<string, string>> = {
  Available: 'available, no car plugged in',
  Preparing: 'preparing: a car is plugged in or a card was shown, not charging yet',
  Charging: 'charging',
  SuspendedEV: 'the car paused charging: full, or not taking power',
  SuspendedEVSE: 'the charger paused charging, e.g. scheduled',
  Finishing: 'finishing: charging stopped, the car is still plugged in',
  Reserved: 'reserved',
  Unavailable: 'unavailable (maintenance)',
  Faulted: 'faulted',
  Occupied: 'occupied: a car is plugged in',
  EVConnected: 'a car is plugged in, not charging',
  Idle: 'idle',
};

const statusWords = (s: string | undefined) => (s ? `${s}${STATUS_WORDS[s] && STATUS_WORDS[s] !== s.toLowerCase() ? ` (${STATUS_WORDS[s]})` : ''}` : 'unknown');

const where = (req: Json): string => {
  const evse = typeof req.evseId === 'number' ? req.evseId : typeof obj(req.evse).id === 'number' ? (obj(req.evse).id as number) : undefined;
  const connector = typeof req.connectorId === 'number' ? req.connectorId : typeof obj(req.evse).connectorId === 'number' ? (obj(req.evse).connectorId as number) : undefined;
  if (evse === 0 || (evse === undefined && connector === 0)) return 'the whole charger';
  if (evse !== undefined) return connector !== undefined ? `EVSE ${evse} connector ${connector}` : `EVSE ${evse}`;
  return connector !== undefined ? `connector ${connector}` : 'the charger';
};

const idTokenOf = (v: unknown): string | undefined => str(v) ?? str(obj(v).idToken);

/** The newest Energy.Active.Import.Register reading of a 1.6 or 2.0.1 meterValue list, in words. */
function energyOf(meterValue: unknown): string | undefined {
  let found: string | undefined;
  for (const mv of arr(meterValue)) {
    for (const sv of arr(obj(mv).sampledValue)) {
      const s = obj(sv);
      const measurand = str(s.measurand) ?? 'Energy.Active.Import.Register';
      if (measurand !== 'Energy.Active.Import.Register') continue;
      const unit = str(s.unit) ?? str(obj(s.unitOfMeasure).unit) ?? 'Wh';
      const value = str(s.value);
      if (value !== undefined) found = `${value} ${unit}`;
    }
  }
  return found;
}

const firstOf = (list: unknown, f: (x: Json) => string | undefined): string | undefined => {
  const items = arr(list);
  const first = items.length ? f(obj(items[0])) : undefined;
  return first === undefined ? undefined : items.length > 1 ? `${first} and ${items.length - 1} more` : first;
};
const componentVariable = (x: Json) => {
  const c = str(obj(x.component).name);
  const v = str(obj(x.variable).name);
  return c && v ? `${c}.${v}` : (c ?? v);
};

/** Category and words of each action; an action in one table and not the other is a bug, found at load. */
function glosses(categories: Readonly<Record<string, LogCategory>>, words: Readonly<Record<string, Words>>): Readonly<Record<string, Gloss>> {
  const actions = Object.keys(words);
  const unmatched = [...actions.filter((a) => !Object.hasOwn(categories, a)), ...Object.keys(categories).filter((a) => !Object.hasOwn(words, a))];
  if (unmatched.length) throw new Error(`log glossary and log-categories.ts differ on ${unmatched.join(', ')}`);
  return Object.fromEntries(actions.map((a) => [a, { category: categories[a]!, describe: words[a]!.describe }]));
}

/** Actions a charge point sends (lib/ocpp/action-names.ts CHARGER_ACTIONS), both versions. */
const RECEIVED_WORDS: Readonly<Record<string, Words>> = {
  BootNotification: {
    describe: (req, res) => `Rebooted by itself or by command${paren(str(req.reason), answered(res))}`,
  },
  Heartbeat: { describe: () => 'Heartbeat: the charger says it is online' },
  StatusNotification: {
    describe: (req) => {
      const status = str(req.status) ?? str(req.connectorStatus);
      const error = str(req.errorCode) && req.errorCode !== 'NoError' ? `error ${str(req.errorCode)}` : undefined;
      return `Status change: ${where(req)} is ${statusWords(status)}${paren(error, str(req.info), str(req.vendorErrorCode))}`;
    },
  },
  Authorize: {
    describe: (req, res) => `Card or app token ${idTokenOf(req.idTag ?? req.idToken) ?? '?'} checked${paren(answered(res, (r) => obj(r.idTagInfo ?? r.idTokenInfo).status))}`,
  },
  StartTransaction: {
    describe: (req, res) =>
      `The charging session begins on ${where(req)}${paren(
        str(req.idTag) && `token ${str(req.idTag)}`,
        str(req.meterStart) && `meter ${str(req.meterStart)} Wh`,
        res && str(res.transactionId) && `transaction ${str(res.transactionId)}`,
        answered(res, (r) => obj(r.idTagInfo).status),
      )}`,
  },
  StopTransaction: {
    describe: (req) =>
      `The charging session ends${paren(str(req.transactionId) && `transaction ${str(req.transactionId)}`, str(req.reason) && `reason ${str(req.reason)}`, str(req.meterStop) && `meter ${str(req.meterStop)} Wh`)}`,
  },
  MeterValues: {
    describe: (req) => {
      const energy = energyOf(req.meterValue);
      return `Meter values from ${where(req)}${paren(energy && `energy ${energy}`, str(req.transactionId) && `transaction ${str(req.transactionId)}`)}`;
    },
  },
  // 2.0.1 E01–E15: one message for a session's start, updates and end.
  TransactionEvent: {
    describe: (req) => {
      const info = obj(req.transactionInfo);
      const tx = str(info.transactionId) && `transaction ${str(info.transactionId)}`;
      const state = str(info.chargingState) ? `${str(info.chargingState)}: ${STATUS_WORDS[str(info.chargingState)!] ?? 'charging state'}` : undefined;
      const energy = energyOf(req.meterValue);
      const extra = [tx, str(req.triggerReason) && `trigger ${str(req.triggerReason)}`, state, energy && `energy ${energy}`];
      switch (req.eventType) {
        case 'Started':
          return `The charging session begins on ${where(req)}${paren(...extra)}`;
        case 'Ended':
          return `The charging session ends${paren(str(info.stoppedReason) && `reason ${str(info.stoppedReason)}`, ...extra)}`;
        default:
          return `The charging session is updated${paren(...extra)}`;
      }
    },
  },
  DataTransfer: { describe: (req, res) => `Vendor-specific message${paren(str(req.vendorId), str(req.messageId), answered(res))}` },
  FirmwareStatusNotification: { describe: (req) => `Firmware update: ${str(req.status) ?? 'status'}` },
  SignedFirmwareStatusNotification: { describe: (req) => `Signed firmware update: ${str(req.status) ?? 'status'}` },
  PublishFirmwareStatusNotification: { describe: (req) => `Firmware publishing for local chargers: ${str(req.status) ?? 'status'}` },
  DiagnosticsStatusNotification: { describe: (req) => `Diagnostics upload: ${str(req.status) ?? 'status'}` },
  LogStatusNotification: { describe: (req) => `Log upload: ${str(req.status) ?? 'status'}` },
  SecurityEventNotification: { describe: (req) => `Security event: ${str(req.type) ?? 'unknown'}${paren(str(req.techInfo))}` },
  SignCertificate: { describe: (req, res) => `Asked for a certificate to be signed${paren(str(req.certificateType), answered(res))}` },
  NotifyReport: { describe: (req) => `Device model report${paren(str(req.requestId) && `request ${str(req.requestId)}`, str(req.seqNo) && `part ${str(req.seqNo)}`)}` },
  NotifyEvent: {
    describe: (req) => `Event reported: ${firstOf(req.eventData, (e) => [componentVariable(e), str(e.actualValue) && `= ${str(e.actualValue)}`, str(e.trigger) && `(${str(e.trigger)})`].filter(Boolean).join(' ')) ?? 'no data'}`,
  },
  NotifyMonitoringReport: { describe: (req) => `Monitoring settings report${paren(str(req.requestId) && `request ${str(req.requestId)}`)}` },
  NotifyCustomerInformation: { describe: (req) => `Customer information report${paren(str(req.requestId) && `request ${str(req.requestId)}`)}` },
  NotifyDisplayMessages: { describe: (req) => `Display messages report${paren(str(req.requestId) && `request ${str(req.requestId)}`)}` },
  ReservationStatusUpdate: { describe: (req) => `Reservation ${str(req.reservationId) ?? '?'}: ${str(req.reservationUpdateStatus) ?? 'updated'}` },
  NotifyChargingLimit: { describe: (req) => `External charging limit set${paren(str(obj(req.chargingLimit).chargingLimitSource) && `by ${str(obj(req.chargingLimit).chargingLimitSource)}`, typeof req.evseId === 'number' && where(req))}` },
  ClearedChargingLimit: { describe: (req) => `External charging limit cleared${paren(str(req.chargingLimitSource) && `by ${str(req.chargingLimitSource)}`)}` },
  ReportChargingProfiles: { describe: (req) => `Charging profiles report${paren(str(req.requestId) && `request ${str(req.requestId)}`)}` },
  NotifyEVChargingNeeds: { describe: (req, res) => `The car told its charging needs on ${where(req)}${paren(answered(res))}` },
  NotifyEVChargingSchedule: { describe: (req, res) => `The car's charging schedule on ${where(req)}${paren(answered(res))}` },
};
export const RECEIVED: Readonly<Record<string, Gloss>> = glosses(RECEIVED_CATEGORY, RECEIVED_WORDS);

/** Commands this CSMS sends (lib/ocpp/action-names.ts COMMAND_ACTIONS), both versions. */
const SENT_WORDS: Readonly<Record<string, Words>> = {
  Reset: { describe: (req) => `Reboot command sent${paren(str(req.type))}` },
  RemoteStartTransaction: {
    describe: (req) => `Remote start command sent${paren(typeof req.connectorId === 'number' && where(req), str(req.idTag) && `token ${str(req.idTag)}`)}`,
  },
  RequestStartTransaction: {
    describe: (req) => `Remote start command sent${paren(typeof req.evseId === 'number' && where(req), idTokenOf(req.idToken) && `token ${idTokenOf(req.idToken)}`)}`,
  },
  RemoteStopTransaction: { describe: (req) => `Remote stop command sent${paren(str(req.transactionId) && `transaction ${str(req.transactionId)}`)}` },
  RequestStopTransaction: { describe: (req) => `Remote stop command sent${paren(str(req.transactionId) && `transaction ${str(req.transactionId)}`)}` },
  UnlockConnector: { describe: (req) => `Unlock command sent for ${where(req)}` },
  TriggerMessage: { describe: (req) => `Asked the charger to send ${str(req.requestedMessage) ?? 'a message'}` },
  // The value is never described: it may be a password (redacted in the frame anyway, lib/ocpp/secrets.ts).
  ChangeConfiguration: { describe: (req) => `Setting change sent: ${str(req.key) ?? '?'}` },
  GetConfiguration: { describe: (req) => `Settings read: ${arr(req.key).length ? arr(req.key).map(String).slice(0, 3).join(', ') : 'all'}` },
  SetVariables: { describe: (req) => `Setting change sent: ${firstOf(req.setVariableData, componentVariable) ?? '?'}` },
  GetVariables: { describe: (req) => `Settings read: ${firstOf(req.getVariableData, componentVariable) ?? '?'}` },
  ChangeAvailability: {
    describe: (req) => `Availability change sent: ${where(req)} ${str(req.type) ?? str(req.operationalStatus) ?? '?'}`,
  },
  GetBaseReport: { describe: (req) => `Asked for the device model${paren(str(req.reportBase))}` },
  GetReport: { describe: () => 'Asked for part of the device model' },
  SetChargingProfile: { describe: (req) => `Charging limit sent: ${profileLimit(req) ?? '?'}` },
  GetCompositeSchedule: { describe: () => 'Asked for the limit the charger applies' },
  ClearChargingProfile: { describe: (req) => `Charging limit removed (profile ${String(req.id ?? req.chargingProfileId ?? '?')})` },
  SetNetworkProfile: { describe: (req) => `New network connection profile sent${paren(str(req.configurationSlot) && `slot ${str(req.configurationSlot)}`)}` },
  GetLocalListVersion: { describe: () => 'Asked for the version of the local list of cards' },
  SendLocalList: {
    describe: (req) =>
      `Local list of cards sent: ${str(req.updateType) ?? '?'} version ${str(req.listVersion ?? req.versionNumber) ?? '?'}${paren(`${arr(req.localAuthorizationList).length} entries`)}`,
  },
};
export const SENT: Readonly<Record<string, Gloss>> = glosses(SENT_CATEGORY, SENT_WORDS);

function glossOf(entry: Pick<LogEntry, 'kind' | 'action'>): Gloss | undefined {
  if (!entry.action) return undefined;
  const table = entry.kind === 'call_in' ? RECEIVED : SENT;
  return Object.hasOwn(table, entry.action) ? table[entry.action] : undefined;
}

/** received: the charger started it (its CALLs, its answers, its garbage); sent: we called it. */
export function directionOf(entry: Pick<LogEntry, 'kind'>): LogDirection | undefined {
  switch (entry.kind) {
    case 'call_in':
    case 'result_in':
    case 'invalid_frame':
    case 'invalid_frames':
      return 'received';
    case 'call_out':
    case 'remote_action':
      return 'sent';
    default:
      return undefined;
  }
}

/** The parsed frame, or undefined when it is absent, clipped (…[truncated]) or not a frame. */
function frameOf(text: string | undefined): unknown[] | undefined {
  if (!text) return undefined;
  try {
    const f = JSON.parse(text) as unknown;
    return Array.isArray(f) ? f : undefined;
  } catch {
    return undefined;
  }
}

const CONNECT_REFUSALS: Readonly<Record<string, string>> = {
  wrong_password: 'wrong password',
  no_subprotocol: 'no OCPP version offered',
  wrong_subprotocol: 'an OCPP version this charge point is not registered for',
  identity_mismatch: 'the serial in the address does not match',
  insecure_scheme: 'plain ws:// where wss:// is required',
};

/** A plain-words description of one log entry, for the operator and the installer alike. */
export function describeLogEntry(entry: LogEntry): string {
  const d = obj(entry.detail);
  switch (entry.kind) {
    case 'call_in': {
      const call = frameOf(entry.frameIn);
      const reply = frameOf(entry.frameOut);
      const gloss = glossOf(entry);
      const base = gloss ? gloss.describe(obj(call?.[3]), reply?.[0] === 3 ? obj(reply[2]) : undefined) : `${entry.action ?? 'Message'} received`;
      if (reply?.[0] === 4) return `${base}: refused with ${str(reply[2]) ?? 'an error'}${paren(str(reply[3]))}`;
      return d.replayed ? `${base} (a repeat, answered as before)` : base;
    }
    case 'call_out': {
      const gloss = glossOf(entry);
      const call = frameOf(entry.frameOut);
      return gloss ? gloss.describe(obj(call?.[3]), undefined) : `${entry.action ?? 'Command'} sent`;
    }
    case 'result_in': {
      if (d.late) return `Late answer to ${entry.action ?? 'a command'}, after we stopped waiting`;
      if (d.unmatched) return 'An answer to no command we are waiting for (dropped)';
      const error = obj(d.error);
      return `The charger answered ${entry.action ?? 'a command'}: ${str(d.outcome) ?? 'answer'}${paren(str(error.code), str(error.description))}`;
    }
    case 'invalid_frame':
      return `Invalid message from the charger${paren(str(d.reason) ?? str(d.error))}`;
    case 'invalid_frames':
      return `${entry.invalidFrames ?? 0} invalid messages from the charger in this hour${paren(str(d.lastReason))}`;
    case 'connected':
      return `Connect: the charger connected${paren(str(d.protocol), d.password === 'previous' && 'with its previous password')}`;
    case 'disconnected':
      return `Disconnect: the charger went offline${paren(str(d.reason))}`;
    case 'superseded':
      return 'Disconnect: a new connection of the same charger replaced this one';
    case 'auth_failure':
      return `Connection refused: ${CONNECT_REFUSALS[str(d.cause) ?? ''] ?? str(d.cause) ?? 'refused'}`;
    case 'change':
      return str(d.description) ?? `${entry.action ?? 'Change'} made`;
    case 'remote_action':
      return `Remote action ${str(d.remote_action) ?? entry.action ?? '?'} ${str(d.by) ?? ''}: ${str(d.outcome) ?? 'sent'}`.replace(/\s+:/, ':');
    case 'activated':
      return `Opened to drivers${paren(str(d.by))}`;
    case 'serial_released':
      return `Serial released by the operator${paren(str(d.releasedBy))}`;
    default:
      // A kind added later without words here still reads as something (the unit test lists every kind).
      return entry.action ?? String(entry.kind);
  }
}

/** Every action the glossary knows, by table, for the coverage test. */
export const GLOSSARY_ACTIONS = { received: Object.keys(RECEIVED), sent: Object.keys(SENT) } as const;
