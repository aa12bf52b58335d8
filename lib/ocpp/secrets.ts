// Secret-bearing fields of OCPP messages, in one table. Frames are logged (AP-11), commands are
// recorded (AP-14) and announced (charge_point.command_completed): none of them may carry a
// charger password. Everything that stores or shows a payload redacts it with this table, and the
// operator command route refuses a payload that carries one (only the rotation sets a password).
//
// The table is keyed by action name alone: every action listed exists in exactly one of the two
// versions (ChangeConfiguration/GetConfiguration: 1.6; SetVariables/GetVariables/SetNetworkProfile:
// 2.0.1), so a log item, which knows its action but not its version, can be redacted too.
import type { JsonObject } from './codec';

export const REDACTED = '[redacted]';

type Direction = 'req' | 'conf';

/** One secret: where the list of candidate objects is, which of them holds a secret, and in which field. */
interface SecretRule {
  readonly action: string;
  readonly direction: Direction;
  /** Path from the payload to an object or an array of objects; '' is the payload itself. */
  readonly at: readonly string[];
  /** Does this object hold a secret? */
  readonly holds: (o: JsonObject) => boolean;
  /** The fields of that object that are secret (dot paths inside it). */
  readonly fields: readonly string[];
  /** Why it is secret (spec reference). */
  readonly why: string;
}

// Names are matched ignoring case and surrounding spaces: a charger that trims or case-folds keys
// would take " AuthorizationKey " as the password, so it must be guarded and redacted like one.
const isAuthorizationKey = (o: JsonObject) => typeof o.key === 'string' && o.key.trim().toLowerCase() === 'authorizationkey';
// 2.0.1 Part 2 Appendix 2: SecurityCtrlr.BasicAuthPassword. Matched on the variable alone (any
// case, any component): a misaddressed component must not make the value loggable.
const isBasicAuthPassword = (o: JsonObject) => {
  const variable = o.variable as JsonObject | undefined;
  return typeof variable?.name === 'string' && variable.name.trim().toLowerCase() === 'basicauthpassword';
};
const always = () => true;

export const SECRET_FIELDS: readonly SecretRule[] = [
  // OCPP 1.6 security whitepaper §7.2: AuthorizationKey is the Basic auth password (write-only).
  { action: 'ChangeConfiguration', direction: 'req', at: [], holds: isAuthorizationKey, fields: ['value'], why: '1.6 AuthorizationKey' },
  // Write-only, so a charger must not report it; if firmware does anyway, it is not stored.
  { action: 'GetConfiguration', direction: 'conf', at: ['configurationKey'], holds: isAuthorizationKey, fields: ['value'], why: '1.6 AuthorizationKey' },
  // OCPP 2.0.1 A01: SetVariables(SecurityCtrlr.BasicAuthPassword) sets the Basic auth password.
  { action: 'SetVariables', direction: 'req', at: ['setVariableData'], holds: isBasicAuthPassword, fields: ['attributeValue'], why: '2.0.1 BasicAuthPassword' },
  // BasicAuthPassword is WriteOnly (Part 2 Appendix 2); a non-conforming report is not stored either.
  { action: 'GetVariables', direction: 'conf', at: ['getVariableResult'], holds: isBasicAuthPassword, fields: ['attributeValue'], why: '2.0.1 BasicAuthPassword' },
  // 2.0.1 B09 SetNetworkProfile: VPN and APN credentials (not a command today; listed so it never leaks).
  {
    action: 'SetNetworkProfile',
    direction: 'req',
    at: ['connectionData'],
    holds: always,
    fields: ['vpn.password', 'vpn.key', 'apn.apnPassword', 'apn.simPin'],
    why: '2.0.1 NetworkConnectionProfile credentials',
  },
];

/** A secret found in a payload: its JSON pointer (from the payload) and why it is secret. */
export interface SecretField {
  readonly pointer: string;
  readonly why: string;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Any action: for a CALLRESULT whose CALL is unknown (late or unmatched), every rule of the direction applies. */
export const ANY_ACTION = '*';

/** Visits every secret of `payload`; `onSecret` may overwrite it in place. */
function visit(action: string, direction: Direction, payload: JsonObject, onSecret: (holder: JsonObject, field: string, pointer: string, why: string) => void): void {
  for (const rule of SECRET_FIELDS) {
    if ((action !== ANY_ACTION && rule.action !== action) || rule.direction !== direction) continue;
    let node: unknown = payload;
    for (const step of rule.at) node = isObject(node) ? node[step] : undefined;
    const base = rule.at.length ? `/${rule.at.join('/')}` : '';
    const candidates: Array<[JsonObject, string]> = Array.isArray(node)
      ? node.flatMap((o, i) => (isObject(o) ? [[o, `${base}/${i}`] as [JsonObject, string]] : []))
      : isObject(node)
        ? [[node, base]]
        : [];
    for (const [candidate, pointer] of candidates) {
      if (!rule.holds(candidate)) continue;
      for (const field of rule.fields) {
        const parts = field.split('.');
        let holder: unknown = candidate;
        for (const p of parts.slice(0, -1)) holder = isObject(holder) ? holder[p] : undefined;
        const last = parts.at(-1)!;
        if (isObject(holder) && holder[last] !== undefined) onSecret(holder, last, `${pointer}/${parts.join('/')}`, rule.why);
      }
    }
  }
}

/** The secrets `payload` carries (empty when none). */
export function secretsIn(action: string, direction: Direction, payload: JsonObject): SecretField[] {
  const found: SecretField[] = [];
  visit(action, direction, payload, (_h, _f, pointer, why) => found.push({ pointer, why }));
  return found;
}

/**
 * A copy of `payload` with every secret replaced by {@link REDACTED}; the same object when there is
 * nothing left to redact (no secret, or redacted already), so callers can tell whether it changed.
 */
export function redactPayload(action: string, direction: Direction, payload: JsonObject): JsonObject {
  let pending = false;
  visit(action, direction, payload, (holder, field) => {
    if (holder[field] !== REDACTED) pending = true;
  });
  if (!pending) return payload;
  const copy = structuredClone(payload);
  visit(action, direction, copy, (holder, field) => {
    holder[field] = REDACTED;
  });
  return copy;
}

// Names whose mere presence in a frame we cannot parse means it may carry a secret.
const SECRET_NAMES = /authorizationkey|basicauthpassword|apnpassword|simpin|"password"/i;

/**
 * A frame as text, safe to store: a CALL `[2,id,action,payload]` is redacted by its own action;
 * a CALLRESULT `[3,id,payload]` by `action`, the action of the CALL it answers (every rule when unknown).
 * Text that is not a readable frame but names a secret field is replaced whole: we cannot tell
 * which part is the secret, and a corrupt frame has no value worth the risk.
 */
export function redactFrame(text: string, action?: string): string {
  if (!SECRET_NAMES.test(text)) return text; // the common case: no JSON parse per logged frame
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return `${REDACTED} unreadable frame naming a secret field (${text.length} characters)`;
  }
  if (!Array.isArray(frame)) return text;
  if (frame[0] === 2 && typeof frame[2] === 'string' && isObject(frame[3])) {
    const payload = redactPayload(frame[2], 'req', frame[3]);
    return payload === frame[3] ? text : JSON.stringify([frame[0], frame[1], frame[2], payload]);
  }
  if (frame[0] === 3 && isObject(frame[2])) {
    const payload = redactPayload(action ?? ANY_ACTION, 'conf', frame[2]);
    return payload === frame[2] ? text : JSON.stringify([frame[0], frame[1], payload]);
  }
  return text;
}
