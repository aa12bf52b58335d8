// Target of the scheduled `powerbank-activation-tick` rule: every minute, start the activations whose
// future start has come and end (restore) those whose duration is over.
import { tickActivations } from '../../lib/domain/powerbank/activations';

export const handler = async (): Promise<void> => {
  await tickActivations();
};
