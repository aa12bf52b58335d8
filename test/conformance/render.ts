// Renders docs/conformance.md from the case catalogue. Regenerate with:
//   npx tsx test/conformance/render.ts > docs/conformance.md
import { CASES, type CaseStatus } from './cases';

const LABEL: Record<CaseStatus, string> = {
  automated: 'passes (automated)',
  verified_by_template: 'verified by template test',
  not_applicable: 'not applicable',
  not_yet_automated: 'not yet automated',
  not_met: 'not met',
};

export function renderConformanceDoc(): string {
  const count = (v: string, s: CaseStatus) => CASES.filter((c) => c.version === v && c.status === s).length;
  const summary = ['2.0.1', '1.6']
    .map((v) => `| ${v} | ${CASES.filter((c) => c.version === v).length} | ${count(v, 'automated')} | ${count(v, 'verified_by_template')} | ${count(v, 'not_yet_automated')} | ${count(v, 'not_met')} | ${count(v, 'not_applicable')} |`)
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
this page is what \`test/conformance/cases.ts\` says. "verified by template test" is for the TLS cases: on AWS,
CloudFront (or, with \`-c ocppTlsFront=true\`, a load balancer in front of it) terminates TLS and the local
runtime speaks plain \`ws://\`, so a template test in \`test/infra/\` (named in the note) asserts the setting
the case depends on; it is not a handshake with the test tool.
"not met" is a case that applies and that this platform does not pass, with what it would take.

| version | cases | passes (automated) | verified by template test | not yet automated | not met | not applicable |
|---|---|---|---|---|---|---|
${summary}

| case | version | name | result | why / note |
|---|---|---|---|---|
${rows}

## TC_B_31 and the commissioning order

TC_B_31 validates that, after a Pending boot, the TriggerMessageRequest the CSMS sends asks for
BootNotification (step 3) and that the boot it triggers is answered Accepted (step 6). Commissioning
follows that order (\`lib/domain/commissioning.ts\`): once the charge point has connected and booted with
a firmware version (the \`ocpp_connection\` and \`firmware_version\` checks), it opens the Pending gate
and sends TriggerMessage(BootNotification), and that boot is Accepted; only then does it ask for the
Heartbeat of the third check, which an Accepted station may send on its own. When all three checks pass,
commissioning completes and the password is rotated. A commissioning that fails (times out) closes the
gate again: the next boot is Pending. A charger that refuses the triggered boot is asked for the Heartbeat
while Pending instead (a triggered message is allowed, TC_B_30), and gets the Accepted boot triggered after
completion, as before. Before this order, commissioning triggered the Heartbeat first and TC_B_31 failed
at step 3.

## Password rotation and the whitepaper

The 1.6 security whitepaper (A01.FR.03) says that once the charge point answers the new AuthorizationKey
with Accepted, the Central System "SHALL assume that the authorization key change was successful, and no
longer accept the credentials previously used"; 2.0.1 A01 says the same of BasicAuthPassword. The platform
departs from that on purpose, within bounds: it keeps the previous password valid until the charge point
has connected once with the new one, at most for a grace period (\`PREVIOUS_PASSWORD_GRACE_DAYS\`), because
some firmware answers Accepted and keeps using the old password, and a charger locked out that way needs a
site visit (DESIGN.md §3). The first connection with the new password retires the old one, which is then
refused as the whitepaper asks; a connection with the previous password is logged, and the commissioning
check says so. The rotation counts as done (\`rotated\`) only once the new password was used. TC_A_09 and
TC16_A_09 reconnect with the new password, as the cases do, and pass; TC_A_10 (Rejected) keeps the old one,
and the new one is never stored.

## TLS

Security profile 2 is TLS with Basic authentication. OCPP 2.0.1 Part 2 A00 and the 1.6 security whitepaper
(A00.FR.312-317) require TLS 1.2 or higher only, and that the CSMS support at least
TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
TLS_RSA_WITH_AES_128_GCM_SHA256 and TLS_RSA_WITH_AES_256_GCM_SHA384, since a station need only support
the ECDSA pair or the RSA pair. On AWS the OCPP endpoint is CloudFront in front of API Gateway, and
CloudFront offers fixed security policies, not cipher lists:

- **Custom domain** (\`-c ocppDomainName=… -c ocppCertificateArn=…\`, docs/deploy.md): the distribution uses
  \`TLSv1.2_2018\`, the only CloudFront policy with no protocol below TLS 1.2 that still offers the two
  TLS_RSA GCM suites; \`TLSv1.2_2019\` and later drop them, so a station with only the RSA pair could not
  connect. The extra suites it offers (ECDHE with CBC-SHA256/384, AES128-SHA256) use no primitive that
  A00.FR.319 excludes. \`test/infra/ocpp-tls.test.ts\` asserts the policy, the certificate and SNI, and holds
  the AWS table the choice rests on. TC_A_06 (TLS version too low) and TC16_A_04 are verified that way.
- **Certificate**: use an RSA certificate (ACM's default, RSA 2048; the CN is the domain, as TC_A_04
  checks). It serves the RSA pair. The ECDHE_ECDSA pair is negotiated only with an ECDSA certificate and
  the TLS_RSA pair only with an RSA one; CloudFront accepts either key type from ACM (RSA 2048, ECDSA
  P-256/P-384) but a distribution's viewer certificate is exactly one, so CloudFront alone offers one
  pair per hostname. API Gateway custom domains do not help: the OCPP URL needs CloudFront for the path
  (DESIGN.md §2.1). Without the option below, TC_A_04 is therefore **not met**; a station needs only one of
  the pairs (A00.FR.318), and the RSA pair is the one chargers support most widely.
- **TLS front with both certificates** (\`-c ocppTlsFront=true\`, needs the custom domain; docs/deploy.md):
  a Network Load Balancer TLS listener holds an RSA and an ECDSA certificate for the OCPP hostname and picks
  the one the client's ClientHello supports (Elastic Load Balancing's certificate selection), with policy
  \`ELBSecurityPolicy-TLS13-1-2-2021-06\`: TLS 1.2 and 1.3 only, offering both TLS_RSA and both
  ECDHE_ECDSA AES-GCM suites (the "-Res-" and FS policies drop the TLS_RSA pair). Behind it a small nginx
  service on Fargate forwards the WebSocket upgrade to the distribution, so the path rewrite, the 401
  challenge and the origin secret stay where they are; the OCPP domain's DNS points at the load balancer
  instead of CloudFront. \`test/infra/ocpp-tls.test.ts\` asserts the listener, its policy (and holds the AWS
  table it rests on), both certificates and their key types, and the target on the proxy port: TC_A_04 is
  verified that way **only in deployments with the option**. It costs about $50 a month (load balancer,
  two proxy tasks, public IPv4 addresses; infra/constructs/ocpp-tls-front.ts).
- **Default \`*.cloudfront.net\` domain**: CloudFront serves its own certificate there and the security
  policy cannot be set; it accepts TLS 1.0 and 1.1. A deployment without a custom domain is therefore
  **not conformant for security profile 2** (TC_A_06 would fail). It still serves \`wss://\` to stations that
  use TLS 1.2, and it is not refused at deploy time, because the platform has no setting that says which
  security profile a deployment promises; use a custom domain for profile 2.
`;
}

if (process.argv[1]?.endsWith('render.ts')) process.stdout.write(renderConformanceDoc());
