// Target of the scheduled `power-replan-every-minute` rule: replan every location with power
// settings (issue #18: "at least every minute"; a stale meter falls the site back here).
import { replanAllLocations } from '../../lib/domain/power/triggers';

export const handler = async (): Promise<void> => {
  const { planned, failed } = await replanAllLocations();
  if (failed > 0) throw new Error(`${failed} location(s) not replanned (${planned} were)`);
};
