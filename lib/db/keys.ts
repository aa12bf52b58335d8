// Every key string in the table is built here and nowhere else (STYLE.md). Each builder returns the
// attributes to spread into an item or a Key; ACCESS_PATTERNS.md names the builder per pattern.

export const ENTITY = {
  operator: 'operator',
  apiKey: 'api_key',
  staff: 'operator_staff',
  team: 'team',
  site: 'site',
  project: 'project',
  chargePoint: 'charge_point',
  identity: 'identity_guard',
  account: 'account',
  accountEmail: 'account_email_guard',
  emailChange: 'email_change',
  assignment: 'installer_assignment',
  connection: 'connection',
  logEntry: 'log_entry',
  pendingCall: 'pending_call',
  transaction: 'transaction',
  startIntent: 'start_intent',
  activeSession: 'active_session',
  runningTransaction: 'running_transaction',
  driverSession: 'driver_session',
  sessionListEntry: 'session_list_entry',
  replay: 'replay_guard',
  command: 'command',
  verification: 'email_verification',
  loginThrottle: 'login_throttle',
  loginClientFailures: 'login_client_failures',
  passwordReset: 'password_reset',
  rateLimit: 'rate_limit',
  counter: 'counter',
  webhookSubscription: 'webhook_subscription',
  webhookDelivery: 'webhook_delivery',
  registrationReply: 'registration_reply',
  deviceModelReport: 'device_model_report',
  publicLink: 'public_link',
  note: 'charge_point_note',
  connectionAttempt: 'connection_attempt',
  unknownConnectionAttempt: 'unknown_connection_attempt',
  driver: 'driver',
  idToken: 'id_token',
  cardLearning: 'card_learning',
  localList: 'local_list',
  priceGroup: 'price_group',
  invitation: 'invitation',
  teamMember: 'team_member',
  locationGrant: 'location_grant',
  locationInvitation: 'location_invitation',
  backofficeConnection: 'backoffice_connection',
  device: 'device',
  deviceGuard: 'device_guard',
  pinFailures: 'pin_failures',
  powerSettings: 'power_settings',
  powerCharger: 'power_charger',
  powerMeter: 'power_meter',
  powerState: 'power_state',
  powerAllocation: 'power_allocation',
  powerbankEnrolment: 'powerbank_enrolment',
  powerbankOverride: 'powerbank_model_override',
  powerbankCheck: 'powerbank_region_check',
  powerbankActivation: 'powerbank_activation',
  powerbankActivationExternalId: 'powerbank_activation_external_id',
  powerbankActivationTarget: 'powerbank_activation_target',
} as const;
export type EntityType = (typeof ENTITY)[keyof typeof ENTITY];

export interface Key {
  pk: string;
  sk: string;
}

/** Fixed-width so that lexicographic order is numeric order in sort keys. */
export function pad(n: number, width = 6): string {
  return String(n).padStart(width, '0');
}

export const keys = {
  operator: (operatorId: string): Key => ({ pk: `OP#${operatorId}`, sk: 'OP' }),
  apiKey: (keyId: string): Key => ({ pk: `APIKEY#${keyId}`, sk: 'APIKEY' }),
  /** gsi1: an operator's API keys, oldest first (issue #16). */
  apiKeyByOperator: (operatorId: string, createdAt: string, keyId: string) => ({ gsi1pk: `OP#${operatorId}#APIKEYS`, gsi1sk: `${createdAt}#${keyId}` }),
  apiKeysOfOperator: (operatorId: string) => ({ gsi1pk: `OP#${operatorId}#APIKEYS` }),
  /** gsi1: every operator, oldest first (the admin command's list; no request path reads it). */
  operatorInList: (createdAt: string, operatorId: string) => ({ gsi1pk: 'OPERATORS', gsi1sk: `${createdAt}#${operatorId}` }),
  operatorList: () => ({ gsi1pk: 'OPERATORS' }),
  /** An account's role at an operator (admin | manager | installer), in the operator's partition. */
  staff: (operatorId: string, accountId: string): Key => ({ pk: `OP#${operatorId}`, sk: `STAFF#${accountId}` }),
  staffOfOperator: (operatorId: string) => ({ pk: `OP#${operatorId}`, skPrefix: 'STAFF#' }),
  /** gsi1: the operators an account works for. */
  staffByAccount: (accountId: string, operatorId: string) => ({ gsi1pk: `ACCOUNT#${accountId}#STAFF`, gsi1sk: `OP#${operatorId}` }),
  staffOfAccount: (accountId: string) => ({ gsi1pk: `ACCOUNT#${accountId}#STAFF` }),
  team: (operatorId: string, teamId: string): Key => ({ pk: `OP#${operatorId}`, sk: `TEAM#${teamId}` }),
  teamsOfOperator: (operatorId: string) => ({ pk: `OP#${operatorId}`, skPrefix: 'TEAM#' }),
  site: (operatorId: string, siteId: string): Key => ({ pk: `OP#${operatorId}`, sk: `SITE#${siteId}` }),
  sitesOfOperator: (operatorId: string) => ({ pk: `OP#${operatorId}`, skPrefix: 'SITE#' }),
  /** gsi1: a site (a location, issue #16) by its id alone, without knowing its operator. */
  siteById: (siteId: string) => ({ gsi1pk: `SITE#${siteId}`, gsi1sk: 'SITE' }),

  project: (projectId: string): Key => ({ pk: `PROJECT#${projectId}`, sk: 'PROJECT' }),
  /** gsi1: an operator's projects, oldest first. */
  projectByOperator: (operatorId: string, createdAt: string, projectId: string) => ({
    gsi1pk: `OP#${operatorId}#PROJECTS`,
    gsi1sk: `${createdAt}#${projectId}`,
  }),
  projectsOfOperator: (operatorId: string) => ({ gsi1pk: `OP#${operatorId}#PROJECTS` }),
  /** gsi2: a site's (a location's) projects, oldest first (issue #16). */
  projectBySite: (siteId: string, createdAt: string, projectId: string) => ({ gsi2pk: `SITE#${siteId}#PROJECTS`, gsi2sk: `${createdAt}#${projectId}` }),
  projectsOfSite: (siteId: string) => ({ gsi2pk: `SITE#${siteId}#PROJECTS` }),

  chargePoint: (chargePointId: string): Key => ({ pk: `CP#${chargePointId}`, sk: 'CP' }),
  /** gsi1: a project's charge points. */
  chargePointByProject: (projectId: string, chargePointId: string) => ({
    gsi1pk: `PROJECT#${projectId}#CPS`,
    gsi1sk: `CP#${chargePointId}`,
  }),
  chargePointsOfProject: (projectId: string) => ({ gsi1pk: `PROJECT#${projectId}#CPS` }),
  /** Uniqueness guard: one OCPP identity (= serial) across the whole platform. */
  identity: (identity: string): Key => ({ pk: `IDENTITY#${identity}`, sk: 'IDENTITY' }),
  /** A registration's reply kept for retries with the same Idempotency-Key (sha256 of it), per caller (TTL 10 min). */
  registrationReply: (caller: string, keyHash: string): Key => ({ pk: `IDEMPOTENCY#${caller}#${keyHash}`, sk: 'REGISTRATION' }),

  /** A person account (issue #16): installers, team members, operator staff and drivers with a login. */
  account: (accountId: string): Key => ({ pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' }),
  /**
   * The account item as the code before #16 wrote it, read only by the accounts migration
   * (lib/db/migrations/accounts.ts). The migration keeps the id, so tokens and references stay valid.
   */
  preAccountsInstaller: (installerId: string): Key => ({ pk: `INSTALLER#${installerId}`, sk: 'INSTALLER' }),
  preAccountsInstallerPrefix: 'INSTALLER#',
  /** Uniqueness guard: one account per email (holds `accountId`; before #16, `installerId`). */
  accountEmail: (email: string): Key => ({ pk: `EMAIL#${email.toLowerCase()}`, sk: 'EMAIL' }),
  emailGuardPrefix: 'EMAIL#',
  /** A pending email change: the token mailed to the new address, stored as its sha256 (TTL 24 h, single use). */
  emailChange: (tokenHash: string): Key => ({ pk: `EMAILCHANGE#${tokenHash}`, sk: 'EMAILCHANGE' }),
  /** Assignments are by email, so a CPO can assign someone before they sign up. */
  assignment: (projectId: string, email: string): Key => ({ pk: `PROJECT#${projectId}`, sk: `ASSIGN#${email.toLowerCase()}` }),
  assignmentsOfProject: (projectId: string) => ({ pk: `PROJECT#${projectId}`, skPrefix: 'ASSIGN#' }),
  /** gsi2: the projects assigned to an installer's email. */
  assignmentByInstaller: (email: string, projectId: string) => ({
    gsi2pk: `ASSIGNEE#${email.toLowerCase()}`,
    gsi2sk: `PROJECT#${projectId}`,
  }),
  assignmentsOfInstaller: (email: string) => ({ gsi2pk: `ASSIGNEE#${email.toLowerCase()}` }),
  /** An emailed verification token, stored as its sha256 (TTL 24 h). */
  verification: (tokenHash: string): Key => ({ pk: `VERIFY#${tokenHash}`, sk: 'VERIFY' }),
  verificationPrefix: 'VERIFY#',
  /** Failed logins per email: count and time of the last failure (TTL 24 h after the last failure). */
  loginThrottle: (email: string): Key => ({ pk: `LOGINFAIL#${email.toLowerCase()}`, sk: 'LOGINFAIL' }),
  /** Failed logins on one email from one client (source IP), in the same partition (TTL 24 h). */
  loginClientFailures: (email: string, clientIp: string): Key => ({ pk: `LOGINFAIL#${email.toLowerCase()}`, sk: `CLIENT#${clientIp}` }),
  /** An emailed password-reset token, stored as its sha256 (TTL 1 h, single use). */
  passwordReset: (tokenHash: string): Key => ({ pk: `RESET#${tokenHash}`, sk: 'RESET' }),
  passwordResetPrefix: 'RESET#',
  /**
   * A fixed-window request counter: one item per (action, subject, window), so a new window is a
   * new item and a stale one never needs resetting (TTL: the end of its window).
   */
  rateLimit: (action: string, subject: string, windowStart: number): Key => ({ pk: `RATE#${action}#${subject.toLowerCase()}`, sk: `W#${windowStart}` }),

  /**
   * A refused $connect of a known charge point: one item per cause, holding the last attempt and a
   * count (lib/db/connection-attempts.ts; TTL 24 h after the last one). Causes are a closed set, so
   * a partition holds at most a handful of items.
   */
  connectionAttempt: (identity: string, cause: string): Key => ({ pk: `ATTEMPT#${identity}`, sk: `CAUSE#${cause}` }),
  connectionAttemptsOfChargePoint: (identity: string) => ({ pk: `ATTEMPT#${identity}`, skPrefix: 'CAUSE#' }),
  /**
   * A refused $connect for an identity nobody holds, in a day bucket (UTC day start, epoch seconds):
   * one item per identity as received (canonical form), sorted by its length first so a typo search
   * for an identity of length n reads only lengths n−2…n+2 (`unknownAttemptsOfLength`).
   */
  unknownConnectionAttempt: (dayStart: number, received: string): Key => ({
    pk: `ATTEMPT#UNKNOWN#${dayStart}`,
    sk: `L#${pad(received.length, 3)}#${received}`,
  }),
  unknownAttemptsOfLength: (dayStart: number, minLength: number, maxLength: number) => ({
    pk: `ATTEMPT#UNKNOWN#${dayStart}`,
    skFrom: `L#${pad(Math.max(0, minLength), 3)}#`,
    // '$' sorts after '#', so every `L#{maxLength}#…` key lies below it.
    skTo: `L#${pad(maxLength, 3)}$`,
  }),

  /** One item per live WebSocket connection; read on every OCPP message. */
  connection: (connectionId: string): Key => ({ pk: `CONN#${connectionId}`, sk: 'CONN' }),

  /** Per-charge-point log, newest last in the base table (query with ScanIndexForward=false for newest first). */
  logEntry: (identity: string, at: string, suffix: string): Key => ({ pk: `LOG#${identity}`, sk: `${at}#${suffix}` }),
  logOfChargePoint: (identity: string) => ({ pk: `LOG#${identity}` }),
  /**
   * gsi2 on status log entries: one partition per charge point, sorted by connector and then time,
   * so every connector that ever reported can be found without knowing its id (AP-12). Connector
   * keys (`1`, `1/1`) use only digits and `/`, which sort after `#`: all entries of a connector lie
   * between `{connector}#` and the entries of any other connector.
   */
  connectorStatus: (identity: string, connector: string, at: string) => ({
    gsi2pk: `STATUS#${identity}`,
    gsi2sk: `${connector}#${at}`,
  }),
  connectorStatusesOfChargePoint: (identity: string) => ({ gsi2pk: `STATUS#${identity}` }),
  /** One connector's entries (`connector` as in `connectorStatus`: `1`, or `1/1` on 2.0.1). */
  connectorStatusesOfConnector: (identity: string, connector: string) => ({ gsi2pk: `STATUS#${identity}`, gsi2skPrefix: `${connector}#` }),
  /** A sort key below every entry of the connector of `gsi2sk` and above every lower connector's. */
  connectorStatusesBelow: (gsi2sk: string) => gsi2sk.slice(0, gsi2sk.indexOf('#') + 1),

  /** A charging transaction: 1.6 integer id we assign, 2.0.1 string id the station makes. */
  transaction: (identity: string, transactionId: string): Key => ({ pk: `TX#${identity}`, sk: `TX#${transactionId}` }),
  transactionsOfChargePoint: (identity: string) => ({ pk: `TX#${identity}`, skPrefix: 'TX#' }),
  /** AP-28: a running transaction's pointer beside it (put in its start transaction, deleted in its end one), so its charge point's running ones are found without reading its history. */
  runningTransaction: (identity: string, transactionId: string): Key => ({ pk: `TX#${identity}`, sk: `RUN#${transactionId}` }),
  runningTransactionsOfChargePoint: (identity: string) => ({ pk: `TX#${identity}`, skPrefix: 'RUN#' }),
  /**
   * A session's list entry (AP-48, AP-49): beside its transaction item, written once in the start's
   * transaction, carrying the index keys, so the session item, rewritten at every meter reading, is in
   * no index. gsi1: a charge point's sessions by start time; gsi2: a team's.
   * `{startedAt}#{sessionId}`: ISO times sort as text. Sessions written before entries carry the
   * index keys themselves.
   */
  sessionListEntry: (identity: string, transactionId: string): Key => ({ pk: `TX#${identity}`, sk: `LIST#${transactionId}` }),
  sessionByChargePoint: (chargePointId: string, startedAt: string, sessionId: string) => ({ gsi1pk: `CP#${chargePointId}#SESSIONS`, gsi1sk: `${startedAt}#${sessionId}` }),
  sessionsOfChargePoint: (chargePointId: string) => ({ gsi1pk: `CP#${chargePointId}#SESSIONS` }),
  sessionByTeam: (teamId: string, startedAt: string, sessionId: string) => ({ gsi2pk: `TEAM#${teamId}#SESSIONS`, gsi2sk: `${startedAt}#${sessionId}` }),
  sessionsOfTeam: (teamId: string) => ({ gsi2pk: `TEAM#${teamId}#SESSIONS` }),
  /** A driver's sessions: one pointer item per session (the list entry's GSIs are a charge point's and a team's). */
  driverSession: (operatorId: string, userId: string, startedAt: string, sessionId: string): Key => ({ pk: `DRIVER#${operatorId}#${userId}#SESSIONS`, sk: `${startedAt}#${sessionId}` }),
  sessionsOfDriver: (operatorId: string, userId: string) => ({ pk: `DRIVER#${operatorId}#${userId}#SESSIONS` }),
  /** A remote start's intent, waiting for the next session on that connector (TTL 2 min). */
  startIntent: (identity: string, connector: number): Key => ({ pk: `TX#${identity}`, sk: `INTENT#${connector}` }),
  /** A running session, for the lost-charger sweep: sharded so starts and stops spread over partitions. */
  activeSession: (shard: number, sessionId: string): Key => ({ pk: `ACTIVE_SESSIONS#${pad(shard, 2)}`, sk: sessionId }),
  activeSessionsOfShard: (shard: number) => ({ pk: `ACTIVE_SESSIONS#${pad(shard, 2)}` }),
  /** Remembered answer to a CALL with effects, so a retry is answered the same and not applied twice. */
  /**
   * One part of a 2.0.1 NotifyReport (the station's device model, B07/B08): by request id, then part
   * number, so a report's parts sort together and a repeated part replaces itself.
   */
  deviceModelReport: (identity: string, requestId: number, seqNo: number): Key => ({
    pk: `DEVMODEL#${identity}`,
    sk: `REPORT#${requestId < 0 ? '-' : ''}${pad(Math.abs(requestId), 10)}#${pad(seqNo)}`,
  }),
  deviceModelOfChargePoint: (identity: string) => ({ pk: `DEVMODEL#${identity}`, skPrefix: 'REPORT#' }),
  replay: (identity: string, messageId: string): Key => ({ pk: `REPLAY#${identity}`, sk: `MSG#${messageId}` }),
  /** A command sent to a charge point and its outcome. */
  command: (commandId: string): Key => ({ pk: `CMD#${commandId}`, sk: 'CMD' }),

  /** The one outstanding CSMS→charge point call per identity (DESIGN.md §2.8). */
  pendingCall: (identity: string): Key => ({ pk: `CALL#${identity}`, sk: 'PENDING' }),

  /** Atomic counters (e.g. OCPP 1.6 integer transaction ids). */
  counter: (name: string): Key => ({ pk: `COUNTER#${name}`, sk: 'COUNTER' }),

  /** A webhook subscription, in its operator's partition: another operator's id is simply not there. */
  webhookSubscription: (operatorId: string, subscriptionId: string): Key => ({ pk: `OP#${operatorId}`, sk: `WEBHOOK#${subscriptionId}` }),
  webhooksOfOperator: (operatorId: string) => ({ pk: `OP#${operatorId}`, skPrefix: 'WEBHOOK#' }),
  /** One event for one subscription; delivery ids start with the event time, so the partition sorts by it. */
  webhookDelivery: (subscriptionId: string, deliveryId: string): Key => ({ pk: `WHSUB#${subscriptionId}`, sk: `DLV#${deliveryId}` }),
  webhookDeliveriesOfSubscription: (subscriptionId: string) => ({ pk: `WHSUB#${subscriptionId}`, skPrefix: 'DLV#' }),
  /** gsi2, sparse: only a delivery waiting for its next attempt has these; write-sharded (see ACCESS_PATTERNS.md). */
  webhookDue: (shard: number, nextAttemptAt: string, subscriptionId: string, deliveryId: string) => ({
    gsi2pk: `WHDUE#${pad(shard, 2)}`,
    gsi2sk: `${nextAttemptAt}#${subscriptionId}#${deliveryId}`,
  }),
  webhookDueShard: (shard: number) => ({ gsi2pk: `WHDUE#${pad(shard, 2)}` }),

  /** A public job link, by the SHA-256 of its token (the token itself is never stored): one strongly consistent GetItem per public request. */
  publicLink: (tokenHash: string): Key => ({ pk: `JOBLINK#${tokenHash}`, sk: 'JOBLINK' }),
  /** gsi1: a project's public links, oldest first. */
  publicLinkByProject: (projectId: string, createdAt: string, linkId: string) => ({ gsi1pk: `PROJECT#${projectId}#LINKS`, gsi1sk: `${createdAt}#${linkId}` }),
  publicLinksOfProject: (projectId: string) => ({ gsi1pk: `PROJECT#${projectId}#LINKS` }),
  /** A note on a charge point (installer via a job link, or the operator), in the charge point's own partition, by time. */
  note: (chargePointId: string, at: string, noteId: string): Key => ({ pk: `CP#${chargePointId}`, sk: `NOTE#${at}#${noteId}` }),
  notesOfChargePoint: (chargePointId: string) => ({ pk: `CP#${chargePointId}`, skPrefix: 'NOTE#' }),

  /** A driver (a user who charges), in the operator's partition: another operator's user id is simply not there. */
  driver: (operatorId: string, userId: string): Key => ({ pk: `OP#${operatorId}`, sk: `DRIVER#${userId}` }),
  driversOfOperator: (operatorId: string) => ({ pk: `OP#${operatorId}`, skPrefix: 'DRIVER#' }),
  /**
   * An id token (RFID card UID, app token) by operator and canonical value (upper case: 1.6 idTag is
   * a CiString, 2.0.1 idToken is case-insensitive). The item is its own uniqueness guard (one value
   * per operator, conditional put) and the one item an Authorize reads, in a partition of its own.
   */
  idToken: (operatorId: string, canonicalValue: string): Key => ({ pk: `IDTOKEN#${operatorId}#${canonicalValue}`, sk: 'IDTOKEN' }),
  /** gsi1: a driver's id tokens, oldest first. */
  idTokenByDriver: (operatorId: string, userId: string, createdAt: string, canonicalValue: string) => ({
    gsi1pk: `OP#${operatorId}#DRIVER#${userId}#TOKENS`,
    gsi1sk: `${createdAt}#${canonicalValue}`,
  }),
  idTokensOfDriver: (operatorId: string, userId: string) => ({ gsi1pk: `OP#${operatorId}#DRIVER#${userId}#TOKENS` }),
  // Charge cards of a location (issue #17 §2, docs/site-devices.md).
  /** gsi2, sparse: an id token that is a card of a team (made through a location), oldest first. */
  cardByTeam: (operatorId: string, teamId: string, createdAt: string, canonicalValue: string) => ({
    gsi2pk: `OP#${operatorId}#TEAM#${teamId}#CARDS`,
    gsi2sk: `${createdAt}#${canonicalValue}`,
  }),
  cardsOfTeam: (operatorId: string, teamId: string) => ({ gsi2pk: `OP#${operatorId}#TEAM#${teamId}#CARDS` }),
  /** A charger's card-learning window and what it captured, in the charge point's partition. */
  cardLearning: (chargePointId: string): Key => ({ pk: `CP#${chargePointId}`, sk: 'CARDLEARNING' }),
  /** A charger's local authorisation list as we last sent it (support, limits, version, entries). */
  localList: (chargePointId: string): Key => ({ pk: `CP#${chargePointId}`, sk: 'LOCALLIST' }),
  /** A price group, in the operator's partition. */
  priceGroup: (operatorId: string, priceGroupId: string): Key => ({ pk: `OP#${operatorId}`, sk: `PRICEGROUP#${priceGroupId}` }),
  priceGroupsOfOperator: (operatorId: string) => ({ pk: `OP#${operatorId}`, skPrefix: 'PRICEGROUP#' }),

  // People and access (issue #16, docs/access.md).
  /** An invitation, by the SHA-256 of its token (the token itself is never stored in clear). */
  invitation: (tokenHash: string): Key => ({ pk: `INVITE#${tokenHash}`, sk: 'INVITE' }),
  /** gsi1: an invitation by its id (the inviter's QR code and revoke name it by id, never by token). */
  invitationById: (invitationId: string) => ({ gsi1pk: `INVITATION#${invitationId}`, gsi1sk: 'INVITATION' }),
  /** gsi2, sparse: a pending invitation by the invitee's email (removed on acceptance or revocation). */
  invitationByInvitee: (email: string, createdAt: string, invitationId: string) => ({ gsi2pk: `INVITEE#${email.toLowerCase()}`, gsi2sk: `${createdAt}#${invitationId}` }),
  invitationsOfInvitee: (email: string) => ({ gsi2pk: `INVITEE#${email.toLowerCase()}` }),
  /** A member of a team (owner, admin, member) with their rights. */
  teamMember: (teamId: string, accountId: string): Key => ({ pk: `TEAM#${teamId}`, sk: `MEMBER#${accountId}` }),
  membersOfTeam: (teamId: string) => ({ pk: `TEAM#${teamId}`, skPrefix: 'MEMBER#' }),
  /** gsi1: the teams an account is a member of. */
  teamMemberByAccount: (accountId: string, teamId: string) => ({ gsi1pk: `ACCOUNT#${accountId}#TEAMS`, gsi1sk: `TEAM#${teamId}` }),
  teamsOfAccount: (accountId: string) => ({ gsi1pk: `ACCOUNT#${accountId}#TEAMS` }),
  /** An installer's grant on a location (site). */
  locationGrant: (siteId: string, accountId: string): Key => ({ pk: `SITE#${siteId}`, sk: `GRANT#${accountId}` }),
  grantsOfLocation: (siteId: string) => ({ pk: `SITE#${siteId}`, skPrefix: 'GRANT#' }),
  /** A location's invitation, as a pointer to the invitation item (its token hash), for the location's list of pending invitations. */
  locationInvitation: (siteId: string, invitationId: string): Key => ({ pk: `SITE#${siteId}`, sk: `INVITE#${invitationId}` }),
  invitationsOfLocation: (siteId: string) => ({ pk: `SITE#${siteId}`, skPrefix: 'INVITE#' }),
  /** gsi1: the locations an account holds a grant on. */
  locationGrantByAccount: (accountId: string, siteId: string) => ({ gsi1pk: `ACCOUNT#${accountId}#GRANTS`, gsi1sk: `SITE#${siteId}` }),
  grantsOfAccount: (accountId: string) => ({ gsi1pk: `ACCOUNT#${accountId}#GRANTS` }),
  /**
   * gsi2, sparse: a grant with an end whose lapse is not recorded yet, by `fullAccessUntil`, for the
   * lapse sweep; write-sharded like webhookDue (see ACCESS_PATTERNS.md).
   */
  grantLapse: (shard: number, fullAccessUntil: string, siteId: string, accountId: string) => ({
    gsi2pk: `GRANTLAPSE#${pad(shard, 2)}`,
    gsi2sk: `${fullAccessUntil}#${siteId}#${accountId}`,
  }),
  grantLapseShard: (shard: number) => ({ gsi2pk: `GRANTLAPSE#${pad(shard, 2)}` }),

  // Site devices, backoffice connection (issue #17 §3, docs/site-devices.md).
  /** A charger's connection to another operator's backoffice (pending or connected), in the charge point's own partition. */
  backofficeConnection: (chargePointId: string): Key => ({ pk: `CP#${chargePointId}`, sk: 'BACKOFFICE' }),
  /** gsi1: the connection requests and connected chargers of the operator asked, oldest first. */
  backofficeConnectionByOperator: (operatorId: string, requestedAt: string, chargePointId: string) => ({ gsi1pk: `OP#${operatorId}#BACKOFFICE`, gsi1sk: `${requestedAt}#${chargePointId}` }),
  backofficeConnectionsOfOperator: (operatorId: string) => ({ gsi1pk: `OP#${operatorId}#BACKOFFICE` }),
  // Site devices, serial + PIN (issue #17, docs/site-devices.md §1). Serials are canonical identities
  // (ocpp/credentials.ts canonicalIdentity), which never hold `#`.
  /** Uniqueness guard: a serial is one physical charger, loaded by one operator platform-wide (holds `operatorId`). */
  deviceGuard: (serial: string): Key => ({ pk: `DEVICE#${serial}`, sk: 'DEVICE' }),
  /** A charger in its operator's catalogue (serial, PIN hash, vendor, model, protocol, connectors). */
  device: (operatorId: string, serial: string): Key => ({ pk: `OP#${operatorId}`, sk: `DEVICE#${serial}` }),
  devicesOfOperator: (operatorId: string) => ({ pk: `OP#${operatorId}`, skPrefix: 'DEVICE#' }),
  /** Wrong serial + PIN attempts on one serial by one account (count, window start, lock; TTL the later of window end and lock end). */
  pinFailuresOfSerialByAccount: (serial: string, accountId: string): Key => ({ pk: `PINFAIL#SERIAL#${serial}`, sk: `ACCOUNT#${accountId}` }),
  /** Wrong attempts on one serial by every account. */
  pinFailuresOfSerial: (serial: string): Key => ({ pk: `PINFAIL#SERIAL#${serial}`, sk: 'ALL' }),
  /** Wrong attempts by one account on every serial. */
  pinFailuresOfAccount: (accountId: string): Key => ({ pk: `PINFAIL#ACCOUNT#${accountId}`, sk: 'ALL' }),
  // Power management (issue #18, docs/power.md): a location's whole power state under its partition,
  // sort keys starting `POWER`, so the planner reads it with one Query (AP-110).
  powerOfLocation: (siteId: string) => ({ pk: `SITE#${siteId}`, skPrefix: 'POWER' }),
  powerSettings: (siteId: string): Key => ({ pk: `SITE#${siteId}`, sk: 'POWER' }),
  /** gsi1, sparse (only on settings items): the locations the minute's replan visits (AP-117). */
  powerSiteInList: (siteId: string) => ({ gsi1pk: 'POWER_SITES', gsi1sk: siteId }),
  powerSiteList: () => ({ gsi1pk: 'POWER_SITES' }),
  powerCharger: (siteId: string, chargePointId: string): Key => ({ pk: `SITE#${siteId}`, sk: `POWER#CP#${chargePointId}` }),
  powerMeter: (siteId: string, meterId: string): Key => ({ pk: `SITE#${siteId}`, sk: `POWER#METER#${meterId}` }),
  /** gsi1: a meter by its id alone (its readings name only the meter). */
  powerMeterById: (meterId: string) => ({ gsi1pk: `METER#${meterId}`, gsi1sk: 'METER' }),
  powerState: (siteId: string): Key => ({ pk: `SITE#${siteId}`, sk: 'POWER#STATE' }),
  /** A location's allocation history, newest first (TTL 30 days). */
  powerAllocation: (siteId: string, at: string, planId: string): Key => ({ pk: `SITEPOWERLOG#${siteId}`, sk: `${at}#${planId}` }),
  powerAllocationsOf: (siteId: string) => ({ pk: `SITEPOWERLOG#${siteId}` }),
  // PowerBank (issue #19, lib/domain/powerbank): one enrolment item per charge point, beside it.
  powerbankEnrolment: (chargePointId: string): Key => ({ pk: `CP#${chargePointId}`, sk: 'POWERBANK' }),
  /** gsi1: every enrolment record of an operator, whatever its status (AP-121). */
  powerbankEnrolmentOfOperator: (operatorId: string, chargePointId: string) => ({ gsi1pk: `OP#${operatorId}#POWERBANK`, gsi1sk: chargePointId }),
  powerbankEnrolmentsOfOperator: (operatorId: string) => ({ gsi1pk: `OP#${operatorId}#POWERBANK` }),
  /**
   * gsi2, sparse: only while `status = enrolled`, so "enrolled, not opted out, in zone X" is one Query
   * (AP-122, what an activation reads); the sort key starts with the operator.
   */
  powerbankEnrolledInZone: (zone: string, operatorId: string, chargePointId: string) => ({ gsi2pk: `POWERBANK#ZONE#${zone}`, gsi2sk: `${operatorId}#${chargePointId}` }),
  powerbankEnrolledInZoneOf: (zone: string, operatorId: string) => ({ gsi2pk: `POWERBANK#ZONE#${zone}`, gsi2skPrefix: `${operatorId}#` }),
  /** An operator's compatibility override for one model, by its normalised vendor and model. */
  powerbankOverride: (operatorId: string, vendor: string, model: string): Key => ({ pk: `OP#${operatorId}`, sk: `POWERBANK#MODEL#${vendor}#${model}` }),
  powerbankOverridesOf: (operatorId: string) => ({ pk: `OP#${operatorId}`, skPrefix: 'POWERBANK#MODEL#' }),
  /** What a region check changed, one item per run per operator, newest first (TTL 90 days). */
  powerbankCheck: (operatorId: string, at: string, runId: string): Key => ({ pk: `PBCHECK#${operatorId}`, sk: `${at}#${runId}` }),
  powerbankChecksOf: (operatorId: string) => ({ pk: `PBCHECK#${operatorId}` }),
  // PowerBank activations (issue #19, lib/domain/powerbank/activations.ts; AP-127–AP-134).
  /** One activation, in its operator's partition (AP-127). */
  powerbankActivation: (operatorId: string, activationId: string): Key => ({ pk: `PBACT#${operatorId}`, sk: `ACT#${activationId}` }),
  /** The idempotency guard of an operator's external id, beside its activations (AP-127). */
  powerbankActivationExternalId: (operatorId: string, externalId: string): Key => ({ pk: `PBACT#${operatorId}`, sk: `EXT#${externalId}` }),
  /** gsi2: an operator's activations, newest first (AP-128). */
  powerbankActivationListed: (operatorId: string, createdAt: string, activationId: string) => ({ gsi2pk: `PBACTS#${operatorId}`, gsi2sk: `${createdAt}#${activationId}` }),
  powerbankActivationsOf: (operatorId: string) => ({ gsi2pk: `PBACTS#${operatorId}` }),
  /**
   * gsi1, sparse: only while an activation waits for its start or its end, keyed by that moment, so
   * the minute's tick finds what is due with one Query (AP-129). One partition: activations are few.
   */
  powerbankActivationDue: (dueAt: string, activationId: string) => ({ gsi1pk: 'PBACT#DUE', gsi1sk: `${dueAt}#${activationId}` }),
  powerbankActivationsDue: () => ({ gsi1pk: 'PBACT#DUE' }),
  /** One charger an activation asked, in the activation's own partition (AP-130, AP-131). */
  powerbankActivationTarget: (activationId: string, chargePointId: string): Key => ({ pk: `PBACTCP#${activationId}`, sk: `CP#${chargePointId}` }),
  powerbankActivationTargetsOf: (activationId: string) => ({ pk: `PBACTCP#${activationId}`, skPrefix: 'CP#' }),
} as const;
