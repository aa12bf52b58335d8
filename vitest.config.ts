import { defineConfig } from 'vitest/config';
import PlainSummaryReporter from './test/plain-summary-reporter';

// Five projects run by `npm test`: unit (pure, fast), integration (real DynamoDB Local through the
// local runtime, started once per run by the global setup), conformance (the OCPP CSMS test cases,
// same setup), e2e (the job page in Debian's Chromium against the local runtime, same setup),
// infra (CDK template assertions).
// Property tests draw from one fixed seed (FC_SEED=random explores): test/fast-check-seed.ts.
const setupFiles = ['test/fast-check-seed.ts'];

export default defineConfig({
  test: {
    // Lambda runs Node 22; the SDK's Node 20 deprecation notice is noise on the local tool chain.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: ['default', new PlainSummaryReporter()],
    // Both cores of a CI machine (vitest's default leaves one free: availableParallelism − 1 = 1 there).
    // Files are independent: each integration file has its own runtime, port and table in the shared
    // DynamoDB Local, and counters attach to its own process's client.
    maxWorkers: 2,
    projects: [
      // Property tests run hundreds of cases: on a loaded 2-core machine they need more than 5 s.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000, setupFiles } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          setupFiles,
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      // OCPP conformance: the CSMS test cases of blocks A and B (test/conformance/cases.ts, docs/conformance.md).
      {
        test: {
          name: 'conformance',
          include: ['test/conformance/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      // The job page in a real browser (playwright-core + /usr/bin/chromium) at a phone viewport. A
      // browser, a runtime and OCPP charge points per file: generous timeouts for a loaded machine.
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      // Synthesis in a beforeAll takes seconds, many more on a loaded 2-core machine.
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
    ],
  },
});
