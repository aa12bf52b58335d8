// Every CSMS test case of blocks A (Security) and B (Provisioning): the 30 of OCPP 2.0.1 Part 6
// (grep TC_A_/TC_B_ in shared/ocpp-spec/OCPP-2.0.1_part6_test_cases.txt) and their OCPP 1.6
// equivalents, built the same way from the 1.6 specification and the security whitepaper.
// `automated` cases are tests named by their id in test/conformance/*.test.ts, run by `npm test`;
// test/unit/conformance-doc.test.ts checks that and that docs/conformance.md is this table.

/**
 * `verified_by_template`: a case about the TLS that CloudFront terminates on AWS, which the local runtime
 * (plain ws://) cannot play; a test/infra template test, named in the note, asserts the setting the
 * case depends on instead. test/unit/conformance-doc.test.ts checks that file exists and names the case.
 */
/** `not_met`: the case applies and the platform does not pass it (the note says why and what it would take). */
export type CaseStatus = 'automated' | 'verified_by_template' | 'not_applicable' | 'not_yet_automated' | 'not_met';

export interface ConformanceCase {
  readonly id: string;
  readonly version: '2.0.1' | '1.6';
  readonly name: string;
  readonly status: CaseStatus;
  /** Why a case is not applicable or not automated yet; for automated ones, where it is (optional). */
  readonly note?: string;
}

const SP3 = 'Security profile 3 (TLS client certificates) is not built: API Gateway WebSocket APIs do not ask for client certificates';
const CA = 'The platform has no certificate authority for charging stations yet: SignCertificate is answered Rejected';
const TLS_VERSION =
  'Custom domain only (see "TLS" below): test/infra/ocpp-tls.test.ts asserts the distribution\'s policy TLSv1.2_2018, which offers no protocol below TLS 1.2, so CloudFront refuses the older handshake';

export const CASES: readonly ConformanceCase[] = [
  { id: 'TC_A_01_CSMS', version: '2.0.1', name: 'Basic Authentication - Valid username/password combination', status: 'automated' },
  { id: 'TC_A_02_CSMS', version: '2.0.1', name: 'Basic Authentication - Username does not equal ChargingStationId', status: 'automated' },
  { id: 'TC_A_03_CSMS', version: '2.0.1', name: 'Basic Authentication - Invalid password', status: 'automated' },
  {
    id: 'TC_A_04_CSMS',
    version: '2.0.1',
    name: 'TLS - server-side certificate - Valid certificate',
    status: 'verified_by_template',
    note: 'Only with the OCPP TLS front (-c ocppTlsFront=true, which needs the custom domain; see "TLS" below): test/infra/ocpp-tls.test.ts asserts a Network Load Balancer TLS listener on 443 with policy ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.2 and 1.3 only, offering both TLS_RSA and both ECDHE_ECDSA AES-GCM suites) and an RSA and an ECDSA certificate for the OCPP domain, in front of nginx that forwards the upgrade to the distribution. Without the option the case is not met: CloudFront serves one certificate, so only the RSA pair is offered',
  },
  { id: 'TC_A_06_CSMS', version: '2.0.1', name: 'TLS - server-side certificate - TLS version too low', status: 'verified_by_template', note: TLS_VERSION },
  { id: 'TC_A_07_CSMS', version: '2.0.1', name: 'TLS - Client-side certificate - valid certificate', status: 'not_applicable', note: SP3 },
  { id: 'TC_A_08_CSMS', version: '2.0.1', name: 'TLS - Client-side certificate - Invalid certificate', status: 'not_applicable', note: SP3 },
  {
    id: 'TC_A_09_CSMS',
    version: '2.0.1',
    name: 'Update Charging Station Password for HTTP Basic Authentication - Accepted',
    status: 'automated',
  },
  {
    id: 'TC_A_10_CSMS',
    version: '2.0.1',
    name: 'Update Charging Station Password for HTTP Basic Authentication - Rejected',
    status: 'automated',
  },
  { id: 'TC_A_11_CSMS', version: '2.0.1', name: 'Update Charging Station Certificate by request of CSMS - Success', status: 'not_applicable', note: CA },
  { id: 'TC_A_14_CSMS', version: '2.0.1', name: 'Update Charging Station Certificate by request of CSMS - Invalid certificate', status: 'not_applicable', note: CA },
  {
    id: 'TC_A_19_CSMS',
    version: '2.0.1',
    name: 'Upgrade Charging Station Security Profile - Accepted',
    status: 'not_applicable',
    note: 'The upgrade it asks for does not exist here: a deployment serves the OCPP endpoint HTTPS only (profile 2), so the upgrade would be to profile 3, which is not built; a profile 1 deployment (-c allowUnencryptedOcpp) keeps no per-station security profile, so it could not refuse the plain reconnect of step 11, and the local runtime has no TLS for step 7. Steps 1-6 (the commands the CSMS sends) run in the suite as "A05 security profile upgrade, steps 1-6" in test/conformance/ocpp-201.test.ts',
  },
  { id: 'TC_B_01_CSMS', version: '2.0.1', name: 'Cold Boot Charging Station - Accepted', status: 'automated' },
  { id: 'TC_B_02_CSMS', version: '2.0.1', name: 'Cold Boot Charging Station - Pending', status: 'automated' },
  { id: 'TC_B_30_CSMS', version: '2.0.1', name: 'Cold Boot Charging Station - Pending/Rejected - SecurityError', status: 'automated' },
  { id: 'TC_B_31_CSMS', version: '2.0.1', name: 'Cold Boot Charging Station - Pending/Rejected - TriggerMessage', status: 'automated' },
  { id: 'TC_B_06_CSMS', version: '2.0.1', name: 'Get Variables - single value', status: 'automated' },
  { id: 'TC_B_07_CSMS', version: '2.0.1', name: 'Get Variables - multiple values', status: 'automated' },
  { id: 'TC_B_09_CSMS', version: '2.0.1', name: 'Set Variables - single value', status: 'automated' },
  { id: 'TC_B_10_CSMS', version: '2.0.1', name: 'Set Variables - multiple values', status: 'automated' },
  { id: 'TC_B_12_CSMS', version: '2.0.1', name: 'Get Base Report - ConfigurationInventory', status: 'automated' },
  { id: 'TC_B_13_CSMS', version: '2.0.1', name: 'Get Base Report - FullInventory', status: 'automated' },
  { id: 'TC_B_20_CSMS', version: '2.0.1', name: 'Reset Charging Station - Without ongoing transaction - OnIdle', status: 'automated' },
  { id: 'TC_B_21_CSMS', version: '2.0.1', name: 'Reset Charging Station - With Ongoing Transaction - OnIdle', status: 'automated' },
  { id: 'TC_B_22_CSMS', version: '2.0.1', name: 'Reset Charging Station - With Ongoing Transaction - Immediate', status: 'automated' },
  { id: 'TC_B_25_CSMS', version: '2.0.1', name: 'Reset EVSE - Without ongoing transaction', status: 'automated' },
  { id: 'TC_B_26_CSMS', version: '2.0.1', name: 'Reset EVSE - With Ongoing Transaction - OnIdle', status: 'automated' },
  { id: 'TC_B_27_CSMS', version: '2.0.1', name: 'Reset EVSE - With Ongoing Transaction - Immediate', status: 'automated' },
  { id: 'TC_B_42_CSMS', version: '2.0.1', name: 'Set new NetworkConnectionProfile - Accepted', status: 'automated' },
  { id: 'TC_B_44_CSMS', version: '2.0.1', name: 'Set new NetworkConnectionProfile - Failed', status: 'automated' },

  { id: 'TC16_A_01_CSMS', version: '1.6', name: 'Basic Authentication (whitepaper profile 1) - valid AuthorizationKey', status: 'automated' },
  { id: 'TC16_A_02_CSMS', version: '1.6', name: 'Basic Authentication - username does not equal the Charge Point identity', status: 'automated' },
  { id: 'TC16_A_03_CSMS', version: '1.6', name: 'Basic Authentication - invalid AuthorizationKey', status: 'automated' },
  {
    id: 'TC16_A_09_CSMS',
    version: '1.6',
    name: 'Update AuthorizationKey with ChangeConfiguration - Accepted',
    status: 'automated',
  },
  { id: 'TC16_A_07_CSMS', version: '1.6', name: 'TLS client certificates (whitepaper profile 3)', status: 'not_applicable', note: SP3 },
  { id: 'TC16_B_01_CSMS', version: '1.6', name: 'Cold boot - Accepted (§4.2)', status: 'automated' },
  { id: 'TC16_B_02_CSMS', version: '1.6', name: 'Cold boot - Pending, then Accepted (§4.2)', status: 'automated' },
  { id: 'TC16_B_30_CSMS', version: '1.6', name: 'Pending - a request not triggered is refused with SecurityError (§4.2)', status: 'automated' },
  { id: 'TC16_B_32_CSMS', version: '1.6', name: 'Pending - no RemoteStartTransaction/RemoteStopTransaction from the Central System (§4.2)', status: 'automated' },
  { id: 'TC16_B_06_CSMS', version: '1.6', name: 'GetConfiguration (§5.8)', status: 'automated' },
  { id: 'TC16_B_09_CSMS', version: '1.6', name: 'ChangeConfiguration (§5.3)', status: 'automated' },
  { id: 'TC16_B_20_CSMS', version: '1.6', name: 'Reset (§5.14)', status: 'automated' },
  { id: 'TC16_A_04_CSMS', version: '1.6', name: 'TLS 1.2 or higher (whitepaper profile 2)', status: 'verified_by_template', note: TLS_VERSION },
  { id: 'TC16_A_11_CSMS', version: '1.6', name: 'SignCertificate / CertificateSigned (whitepaper §3.3)', status: 'not_applicable', note: CA },
];
