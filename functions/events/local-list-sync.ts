// Target of cards.changed: the team's chargers' local authorisation lists follow its cards (domain/local-list.ts).
import type { EventBridgeEvent } from 'aws-lambda';
import type { DomainEvent } from '../../lib/events/catalogue';
import { syncTeamLists } from '../../lib/domain/local-list';

export const handler = async (event: EventBridgeEvent<'cards.changed', DomainEvent<'cards.changed'>>): Promise<void> => {
  await syncTeamLists(event.detail.operator_id, event.detail.data.team_id);
};
