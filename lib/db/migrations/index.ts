// Every data migration, in order: the one path `npm run admin -- migrate` and `npm start` (at boot)
// run. Each is idempotent, so running them again on migrated data changes nothing.
import { migrateAccessIndexes, type AccessIndexesReport } from './access-indexes';
import { migrateAccounts, type AccountsMigrationReport } from './accounts';
import { migrateRunningPointers, type RunningPointersReport } from './running-pointers';

export interface MigrationReport extends AccountsMigrationReport, RunningPointersReport {
  readonly indexes: AccessIndexesReport;
}

export async function migrateAll(): Promise<MigrationReport> {
  const accounts = await migrateAccounts();
  const indexes = await migrateAccessIndexes();
  return { ...accounts, indexes, ...(await migrateRunningPointers()) };
}
