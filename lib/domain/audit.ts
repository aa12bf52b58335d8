// Who changed what on a charge point, in its log (category `audit`, kind `change`), so the operator
// sees every change made through a public job link ("via public link lnk_…") or by anyone else
// through GET /api/v1/operator/charge-points/{id}/logs. Returned as a transaction item: the entry
// is written in the same transaction as the change it records, so neither exists without the other.
import type { TransactItem } from '../aws/transact';
import type { ChargePoint } from '../db/charge-points';
import { logPut } from '../db/logs';
import { nowIso } from '../ids';
import { actorView, describeActor, type Actor } from './actors';

/**
 * The log partition of a charge point's audit entries: its identity, or (while it has none yet) its
 * own id, which can never be an identity (identities are stored upper-case, ids start `cp_`).
 * readChargePointLog reads the same partition.
 */
export function logSubjectOf(cp: Pick<ChargePoint, 'identity' | 'chargePointId'>): string {
  return cp.identity ?? cp.chargePointId;
}

/** `what` reads as a sentence start (`Note added`); the actor's words are appended (`via public link lnk_…`). */
export function auditPut(cp: ChargePoint, actor: Actor, action: string, what: string, identity: string | undefined = cp.identity): TransactItem {
  return logPut({
    identity: logSubjectOf({ identity, chargePointId: cp.chargePointId }),
    at: nowIso(),
    category: 'audit',
    kind: 'change',
    action,
    detail: { description: `${what} ${describeActor(actor)}`, by: actorView(actor), charge_point_id: cp.chargePointId },
  });
}
