// Every data migration, in order: the one path `npm run admin -- migrate` and `npm start` (at boot)
// run. Each is idempotent, so running them again on migrated data changes nothing.
import { migrateAccessIndexes, type AccessIndexesReport } from './access-indexes';
import { migrateAccounts, type AccountsMigrationReport } from './accounts';

export interface MigrationReport extends AccountsMigrationReport {
  readonly indexes: AccessIndexesReport;
}

export async function migrateAll(): Promise<MigrationReport> {
  const accounts = await migrateAccounts();
  return { ...accounts, indexes: await migrateAccessIndexes() };
}
