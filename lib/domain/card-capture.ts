// The OCPP side of card learning (issue #17; the use cases and decisions are in card-learning.ts): a
// token presented on a charger goes through its learning window. Kept apart from card-learning.ts so
// the OCPP message function bundles only this, authorisation and the window's table access.
import { getLearningWindow, recordCapture, type Capture, type CaptureSource, type LearningWindow } from '../db/cards';
import { nowIso } from '../ids';
import { authorizeAtChargePoint, authorizeIdToken, canonicalIdToken, type Authorisation, type AuthorisingChargePoint } from './authorization';

/** Enough for a box of cards; more taps in one window are answered but not captured. */
const MAX_CAPTURES = 50;

export const isOpen = (w: LearningWindow | undefined, now = Date.now()): w is LearningWindow => !!w && Date.parse(w.until) > now;

/** A card's id in paths: the canonical token value, base64url (a token may hold `/`, `#`, `?`). */
export const cardIdOf = (canonical: string) => `card_${Buffer.from(canonical, 'utf8').toString('base64url')}`;

/** A capture's id: the charger it was presented on and the token, so adding it needs no capture index. */
export const captureIdOf = (chargePointId: string, canonical: string) => `cap.${chargePointId}.${Buffer.from(canonical, 'utf8').toString('base64url')}`;

export interface Presentation {
  readonly idToken: string;
  /** 2.0.1 IdTokenType.type; 1.6 has none. */
  readonly type?: string;
  readonly source: CaptureSource;
  readonly connectorId?: number;
  readonly evseId?: number;
}

/** The verdict, and whether the token was captured by a learning window (for the log). */
export type PresentedAuthorisation = Authorisation & { readonly captured?: 'unknown' | 'known' | 'elsewhere' };

/**
 * Authorisation of a token presented on a charger (Authorize, a start), through the learning window:
 * reads the window (strongly consistent) in parallel with authorisation's cached reads. `cp` when the
 * caller has the charge point already (a start), else it comes from authorisation's cache.
 */
export async function authorizePresentation(chargePointId: string, p: Presentation, cp?: AuthorisingChargePoint): Promise<PresentedAuthorisation> {
  const [window, a] = await Promise.all([getLearningWindow(chargePointId), cp ? authorizeIdToken(cp, p.idToken) : authorizeAtChargePoint(chargePointId, p.idToken)]);
  const canonical = canonicalIdToken(p.idToken);
  if (!isOpen(window) || !canonical) return a;
  const known = a.driver !== undefined && a.driver.teamId === window.teamId;
  const elsewhere = a.driver !== undefined && !known;
  if (Object.keys(window.captures).length < MAX_CAPTURES || window.captures[canonical]) {
    const capture: Capture = {
      captureId: captureIdOf(chargePointId, canonical),
      idToken: p.idToken,
      canonical,
      ...(p.type ? { tokenType: p.type } : {}),
      at: nowIso(),
      source: p.source,
      ...(p.connectorId !== undefined ? { connectorId: p.connectorId } : {}),
      ...(p.evseId !== undefined ? { evseId: p.evseId } : {}),
      known,
      ...(elsewhere ? { elsewhere: true } : {}),
    };
    await recordCapture(chargePointId, capture);
  }
  if (known) return { ...a, captured: 'known' };
  if (elsewhere) return { ...a, captured: 'elsewhere' };
  // Unknown: refused even under free vend (decision at the top of this file). 1.6 answers Invalid (idTagInfoFor).
  return { verdict: 'Unknown', freeVend: false, captured: 'unknown' };
}
