// `npm run redact-stored-secrets`: the one-shot purge of charger passwords that log entries and
// command records stored before redaction on write (lib/db/redact-secrets.ts). Needs TABLE_NAME and
// AWS credentials for the account (AWS_REGION / AWS_PROFILE as usual). Safe to run more than once.
import { redactStoredSecrets } from '../lib/db/redact-secrets';

const report = await redactStoredSecrets();
console.log(`Scanned ${report.scanned} log entries and command records; rewrote ${report.rewritten} that held a secret.`);
