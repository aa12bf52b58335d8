// Renders docs/conformance.md from the case catalogue. Regenerate with:
//   npx tsx test/conformance/render.ts > docs/conformance.md
import { CASES, type CaseStatus } from './cases';

const LABEL: Record<CaseStatus, string> = {
  automated: 'passes (automated)',
  not_applicable: 'not applicable',
  not_yet_automated: 'not yet automated',
};

export function renderConformanceDoc(): string {
  const count = (v: string, s: CaseStatus) => CASES.filter((c) => c.version === v && c.status === s).length;
  const summary = ['2.0.1', '1.6']
    .map((v) => `| ${v} | ${CASES.filter((c) => c.version === v).length} | ${count(v, 'automated')} | ${count(v, 'not_yet_automated')} | ${count(v, 'not_applicable')} |`)
    .join('\n');
  const rows = CASES.map((c) => `| ${c.id} | ${c.version} | ${c.name} | ${LABEL[c.status]} | ${c.note ?? ''} |`).join('\n');
  return `<!-- Generated from test/conformance/cases.ts; do not edit. Regenerate: npx tsx test/conformance/render.ts > docs/conformance.md -->
# OCPP conformance: CSMS test cases of blocks A (Security) and B (Provisioning)

The conformance suite (\`test/conformance/\`, vitest project \`conformance\`, run by \`npm test\`) plays the
test system's side of each case with a strict \`ocpp-rpc\` station against the real handlers on the
local runtime (DynamoDB Local), following the case's steps and tool validations from OCPP 2.0.1 Part 6.
The 1.6 cases (\`TC16_…\`) are built the same way from the OCPP 1.6 specification and the 1.6 security
whitepaper. "passes (automated)" means a test named by the case id runs in \`npm test\`, which fails
when it does; \`test/unit/conformance-doc.test.ts\` checks that such a test exists for every one and that
this page is what \`test/conformance/cases.ts\` says.

| version | cases | passes (automated) | not yet automated | not applicable |
|---|---|---|---|---|
${summary}

| case | version | name | result | why / note |
|---|---|---|---|---|
${rows}

## Password rotation and the whitepaper

The 1.6 security whitepaper (and 2.0.1 A01) expect the CSMS to use the new password once the charge
point accepts it. The platform keeps the previous password valid, for a bounded grace period, until
the charge point has connected once with the new one, because some firmware answers Accepted and keeps
using the old password (DESIGN.md §3). A connection with the previous password is logged and the
commissioning check says so; the rotation counts as done only when the new password was used.

## TLS

OCPP 2.0.1 Part 2 A00 requires TLS 1.2 or higher and a defined set of cipher suites for security
profile 2. On AWS the OCPP endpoint is CloudFront in front of API Gateway; a \`*.cloudfront.net\`
domain accepts TLS versions older than 1.2, so profile 2 needs a custom domain with a CloudFront
security policy of TLS 1.2 or higher. That part (issue #11 item 6) is not built yet; TC_A_04 and TC_A_06
are listed as not yet automated until it is.
`;
}

if (process.argv[1]?.endsWith('render.ts')) process.stdout.write(renderConformanceDoc());
