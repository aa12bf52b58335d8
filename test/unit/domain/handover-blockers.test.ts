// What the handover reports as standing in its way: a checklist item recorded `failed` is named
// failed, not missing (issue #10, 20).
import { describe, expect, it } from 'vitest';
import type { ChecklistItem } from '../../../lib/api/schemas';
import type { ChargePoint } from '../../../lib/db/charge-points';
import type { ProjectWithState } from '../../../lib/db/projects';
import { handoverBlockers } from '../../../lib/domain/handover';

const aProject = (checklist: Partial<Record<ChecklistItem, 'passed' | 'failed' | 'not_supported'>>) =>
  ({ projectId: 'p1', status: 'open', checklist: Object.fromEntries(Object.entries(checklist).map(([k, result]) => [k, { result }])) }) as unknown as ProjectWithState;
const aCompletedChargePoint = () => ({ chargePointId: 'c1', commissioning: { status: 'completed' } }) as unknown as ChargePoint;

describe('handover blockers', () => {
  it('names failed items as failed, unrecorded ones as missing, and a not_supported outside meter_calibration apart', () => {
    const blockers = handoverBlockers(
      aProject({ meter_calibration: 'not_supported', emergency_stop_tested: 'failed', cable_management_inspected: 'passed', site_owner_briefed: 'not_supported' }),
      [aCompletedChargePoint()],
    );
    expect(blockers.checklistFailed).toEqual(['emergency_stop_tested']);
    expect(blockers.checklistMissing).toEqual(['enclosure_ip_rating_inspected']);
    expect(blockers.checklistNotSupported).toEqual(['site_owner_briefed']);
  });

  it('has nothing to report when every item passed', () => {
    const all = aProject({ meter_calibration: 'passed', emergency_stop_tested: 'passed', cable_management_inspected: 'passed', enclosure_ip_rating_inspected: 'passed', site_owner_briefed: 'passed' });
    expect(handoverBlockers(all, [aCompletedChargePoint()])).toMatchObject({ checklistMissing: [], checklistFailed: [], checklistNotSupported: [], notCompleted: [], noChargePoints: false });
  });
});
