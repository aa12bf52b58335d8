// Where a charge point's firmware version came from, said the same way by the commissioning check
// and the handover certificate. Pure, so the handover bundle need not carry the command code.
import type { ChargePoint } from '../db/charge-points';

/** `reported in BootNotification`, `read with GetConfiguration key FwVersion`, `recorded by installer: <reason>`. */
export function firmwareSourceText(cp: Pick<ChargePoint, 'firmwareSource'>): string {
  const src = cp.firmwareSource;
  if (!src) return 'reported in BootNotification';
  return src.kind === 'installer' ? `recorded by installer: ${src.reason}` : `read with ${src.how}`;
}

/** The note the certificate prints under a firmware version the charge point did not report in BootNotification. */
export function firmwareNote(cp: Pick<ChargePoint, 'firmwareVersion' | 'firmwareSource'>): string | undefined {
  return cp.firmwareVersion && cp.firmwareSource ? `(${firmwareSourceText(cp)})` : undefined;
}
