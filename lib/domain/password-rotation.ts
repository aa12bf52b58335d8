// Where a charge point's move to its long-term password stands, as every surface reports it
// (commissioning, the charge point view, the handover certificate). Pure: derived from what is stored.
//
// `rotated` only once the charger has connected with the new password: some firmware answers the
// change with Accepted and keeps using the old one (DESIGN.md §3), so an Accepted answer alone is
// `pending_adoption`. $connect marks the first use (credentials.adoptedAt, previous retired); until
// then the provisioning password stays valid, but only until `previousValidUntil` (see
// PREVIOUS_PASSWORD_GRACE_DAYS): a grace without a bound would leave the provisioning password,
// which was typed into the charger on site and shown in the installer app, valid forever. A charger
// that has not used its long-term password by then is locked out and must be re-provisioned.
import type { ChargePoint } from '../db/charge-points';
import { intEnv } from '../env';

/** Days the provisioning password stays valid after the charger accepted its long-term one, if that is never used. */
export const previousPasswordGraceDays = (): number => intEnv('PREVIOUS_PASSWORD_GRACE_DAYS', 7);

export const REPROVISION_HINT =
  'Re-provision it: register the serial on its project again with "reprovision": true (POST /api/v1/installer/projects/{project_id}/charge-points) and enter the new provisioning password on the charger.';

export type PasswordRotationStatus = 'pending_adoption' | 'rotated' | 'refused' | 'failed' | 'expired';

export interface PasswordRotationView {
  readonly status: PasswordRotationStatus;
  readonly detail: string;
  readonly at: string;
  /** While `pending_adoption`: when the provisioning password stops working. */
  readonly previous_password_valid_until: string | null;
}

export function describePasswordRotation(cp: ChargePoint, now: string = new Date().toISOString()): PasswordRotationView | null {
  const r = cp.commissioning?.passwordRotation;
  if (!r) return null;
  if (r.status === 'refused' || r.status === 'failed') return { status: r.status, detail: r.detail, at: r.at, previous_password_valid_until: null };
  const creds = cp.credentials;
  // $connect retires `previous` the first time the long-term password is used.
  if (creds?.kind === 'long_term' && creds.previous === undefined) {
    return { status: 'rotated', detail: 'The charge point connected with its long-term password; the provisioning password no longer works', at: creds.adoptedAt ?? r.at, previous_password_valid_until: null };
  }
  const until = creds?.previousValidUntil ?? null;
  if (until !== null && until <= now) {
    return {
      status: 'expired',
      detail: `The charge point accepted its long-term password but never connected with it, and its provisioning password stopped working at ${until}. ${REPROVISION_HINT}`,
      at: until,
      previous_password_valid_until: until,
    };
  }
  return {
    status: 'pending_adoption',
    detail: `The charge point accepted its long-term password but has not connected with it yet; the provisioning password stays valid until it does${until ? `, or until ${until}` : ''}`,
    at: r.at,
    previous_password_valid_until: until,
  };
}
