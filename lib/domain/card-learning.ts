// Learning charge cards by tapping them on a charger (issue #17 §2, docs/site-devices.md; DOMAIN.md
// §4: typed UIDs differ by reader, so the card is read by the charger that will see it).
//
// While a charger's window is open, every token presented on it (Authorize; 1.6 StartTransaction;
// 2.0.1 TransactionEvent with an idToken) is captured. An unknown token is refused (1.6 `Invalid`,
// 2.0.1 `Unknown`), so no charge starts; a card of the location is answered as usual and the capture
// says it is known. A token of another driver of the operator is answered as usual too, and the
// capture says it belongs elsewhere (it cannot be added here).
//
// Decisions:
// - Free vend does not accept an unknown token while learning. A location's charger is free vend
//   until its job completes (authorization.ts), i.e. exactly while installers learn cards; accepting
//   would start the very charge the tap was not meant to start, and the installer asked for a capture.
//   Known cards keep the free-vend answer (Accepted).
// - The window stays open until its end (or DELETE) and captures each token once, so a box of cards
//   can be learned in one window; a token presented again is not captured twice.
// - Cost: every token presentation reads the window item, strongly consistent (1 read unit, in
//   parallel with authorisation's own reads, so no added latency). A window opened through the API
//   must hold for the very next tap, and on AWS the API and the OCPP handler run in different
//   containers: nothing the OCPP handler holds (its per-container cache, the $connect authorizer's
//   context) can learn of a new window without a read. So a repeated Authorize of a recently seen
//   token now costs exactly this one read (it cost none before). Presentations are once per charge
//   (not per meter value or heartbeat), so the price is one read unit per session start.
import { endLearningWindow, getLearningWindow, LEARNING_DEFAULT_SECONDS, putLearningWindow, type LearningWindow } from '../db/cards';
import { getDriver, getIdToken } from '../db/drivers';
import type { AccountPrincipal } from '../http/handler';
import { nowIso } from '../ids';
import { isOpen } from './card-capture';
import { cardView } from './cards';
import { locationChargePoint } from './locations';


async function windowView(chargePointId: string, w: LearningWindow | undefined) {
  const now = Date.now();
  const captures = Object.values(w?.captures ?? {}).sort((a, b) => a.at.localeCompare(b.at));
  return {
    charge_point_id: chargePointId,
    open: isOpen(w, now),
    until: w?.until ?? null,
    seconds_left: isOpen(w, now) ? Math.ceil((Date.parse(w.until) - now) / 1000) : 0,
    captures: await Promise.all(
      captures.map(async (c) => {
        const card = c.known && w ? await getIdToken(w.operatorId, c.canonical) : undefined;
        return {
          captured_id: c.captureId,
          id_token: c.idToken,
          type: c.tokenType ?? null,
          at: c.at,
          source: c.source,
          connector_id: c.connectorId ?? null,
          evse_id: c.evseId ?? null,
          known: c.known,
          belongs_elsewhere: c.elsewhere === true,
          card: card ? cardView(card, await getDriver(card.operatorId, card.userId)) : null,
        };
      }),
    ),
  };
}

/** Opens (or restarts, captures cleared) the window on one charger of the location (`location:cards`). */
export async function openCardLearning(who: AccountPrincipal, locationId: string, chargePointId: string, durationSeconds = LEARNING_DEFAULT_SECONDS) {
  const cp = await locationChargePoint(who, locationId, chargePointId, 'location:cards');
  const openedAt = nowIso();
  const window: LearningWindow = {
    chargePointId,
    operatorId: cp.operatorId,
    teamId: cp.teamId,
    siteId: cp.siteId,
    openedAt,
    openedBy: `account:${who.accountId}`,
    until: new Date(Date.parse(openedAt) + durationSeconds * 1000).toISOString(),
    captures: {},
  };
  await putLearningWindow(window);
  return windowView(chargePointId, window);
}

export async function showCardLearning(who: AccountPrincipal, locationId: string, chargePointId: string) {
  await locationChargePoint(who, locationId, chargePointId, 'location:cards');
  return windowView(chargePointId, await getLearningWindow(chargePointId));
}

/** Ends the window now; its captures stay readable (for naming) for an hour. Idempotent. */
export async function endCardLearning(who: AccountPrincipal, locationId: string, chargePointId: string) {
  await locationChargePoint(who, locationId, chargePointId, 'location:cards');
  await endLearningWindow(chargePointId, nowIso());
  return windowView(chargePointId, await getLearningWindow(chargePointId));
}
