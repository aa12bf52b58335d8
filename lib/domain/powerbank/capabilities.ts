// An enrolled charger's charging-profile capabilities, read ahead of any activation (issue #19):
// when it is enrolled, and when it reports a new brand or model (a swapped unit may differ). An
// activation must not wait for a GetConfiguration round trip per charger, and without the reading it
// would send OCPP's defaults (A, stack level 0): a charger that takes only W refuses an A profile,
// and stack level 0 may sit under a TxProfile the charger already has. Stored where the power
// planner keeps its own reading (the location's power item for the charger, AP-112), so both use one.
import { getChargePoint } from '../../db/charge-points';
import { recordChargerFacts } from '../../db/power';
import { getEnrolment } from '../../db/powerbank';
import { log } from '../../log';
import { readCapabilities } from '../power/capabilities';

/** Within a Lambda's minute: the charger answers GetConfiguration/GetVariables in seconds or not at all. */
const READ_TIMEOUT_MS = 15_000;

export type CapabilitiesOutcome = 'read' | 'not_enrolled' | 'not_connected' | 'no_answer';

export async function learnCapabilities(chargePointId: string): Promise<CapabilitiesOutcome> {
  const enrolment = await getEnrolment(chargePointId);
  if (enrolment?.status !== 'enrolled') return 'not_enrolled';
  const cp = await getChargePoint(chargePointId, true);
  if (!cp?.identity || !cp.protocol || !cp.connection) return 'not_connected';
  const capabilities = await readCapabilities(cp.identity, cp.protocol, 'powerbank enrolment', READ_TIMEOUT_MS);
  if (!capabilities) {
    // Not answered (or not connected by now): the activation falls back to OCPP's defaults; the next boot with a new model, or the planner, reads it again.
    log.warn('powerbank: could not read the charging-profile capabilities of an enrolled charger', { chargePointId });
    return 'no_answer';
  }
  await recordChargerFacts(cp.siteId, chargePointId, { capabilities });
  return 'read';
}
