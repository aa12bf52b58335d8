// A well-behaved simulated OCPP charge point, shared by `npm run simulate` (scripts/simulate-charger.ts)
// and `npm run smoke` (scripts/smoke.ts), so there is one simulator to keep right.
//
// It boots, reports its connectors, heartbeats at the interval it is given, answers TriggerMessage
// (by sending what was asked for), Reset (reboots), GetConfiguration / GetVariables, and accepts a
// new password (ChangeConfiguration AuthorizationKey, OCPP 1.6 §5.3 / SetVariables
// SecurityCtrlr.BasicAuthPassword, 2.0.1 B07), using it from its next connection as real firmware does.
// It also plays a charge, as if a car were plugged in: a remote start (RemoteStartTransaction, 1.6
// §5.11 / RequestStartTransaction, 2.0.1 F01) is accepted and followed by StartTransaction /
// TransactionEvent Started, then a meter reading every `meterIntervalMs` (1.6 MeterValues /
// TransactionEvent Updated), until a remote stop (RemoteStopTransaction §5.12 / RequestStopTransaction
// F03) ends it with StopTransaction / TransactionEvent Ended.
// With `reconnect`, a lost connection is retried with backoff; a refusal (HTTP 401/404/400) is not.
import { RPCClient } from 'ocpp-rpc';

export type ChargerProtocol = 'ocpp1.6' | 'ocpp2.0.1';

/** The 1.6 configuration keys it reports (1.6 §9.1, §9.4 Smart Charging). */
const CONFIGURATION_16: Readonly<Record<string, string>> = {
  HeartbeatInterval: '300',
  ChargeProfileMaxStackLevel: '3',
  ChargingScheduleAllowedChargingRateUnit: 'Current',
  ChargingScheduleMaxPeriods: '24',
  MaxChargingProfilesInstalled: '8',
};

/** The 2.0.1 variables it reports, by component (2.0.1 part 2 appendix: OCPPCommCtrlr, SmartChargingCtrlr). */
const VARIABLES_201: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  OCPPCommCtrlr: { HeartbeatInterval: '300' },
  SmartChargingCtrlr: { Enabled: 'true', ProfileStackLevel: '3', RateUnit: 'A', PeriodsPerSchedule: '24', Entries: '8' },
};

export interface ChargerOptions {
  /** Without the identity, e.g. ws://localhost:3000/ocpp or wss://ocpp.example.com/ocpp. */
  readonly url: string;
  readonly identity: string;
  readonly password: string;
  readonly protocol: ChargerProtocol;
  /** @default 2 */
  readonly connectors?: number;
  /** @default '1.0.0-sim' */
  readonly firmware?: string;
  /** Keep connecting after a lost connection or an unreachable server. @default false */
  readonly reconnect?: boolean;
  /** One line per thing the charger does. @default - silent */
  readonly log?: (line: string) => void;
  /** How often a running charge reports its meter, in ms. @default 2000 */
  readonly meterIntervalMs?: number;
  /** Energy a running charge adds per meter interval, in Wh. @default 500 */
  readonly energyPerIntervalWh?: number;
  /**
   * The car's draw per phase in A, on three phases. With it, a charge's meter values also carry
   * `Current.Import` for L1–L3: the car's draw, held to the lowest limit the CSMS set in A (a
   * station-wide max profile or a TxProfile; under 6 A the car pauses), and the register grows with
   * that power (230 V), not by `energyPerIntervalWh`. So power management can be watched at work.
   * @default - no currents reported
   */
  readonly carCurrentA?: number;
  /** Called when the CSMS sets a new password (already adopted for the next connection). */
  readonly onPasswordChange?: (password: string) => void;
  /** Called when the server refuses the connection (HTTP status), after which the charger stops. */
  readonly onRefused?: (err: ConnectError) => void;
}

export type ConnectError = Error & { code?: unknown; response?: { headers?: Record<string, unknown> } };

/** A charge running on one connector (1.6 connectorId / 2.0.1 evseId). */
interface Charge {
  readonly connector: number;
  readonly idToken: string;
  /** 1.6: the CSMS's integer id, once StartTransaction is answered; 2.0.1: ours. */
  transactionId: number | string | undefined;
  /** 2.0.1 TransactionEvent seqNo (E01: one counter per transaction here, starting at 0). */
  seqNo: number;
  timer: NodeJS.Timeout | undefined;
}

/** The parts of a 1.6 csChargingProfiles / 2.0.1 ChargingProfileType the simulated car obeys. */
interface Profile {
  readonly chargingProfileId?: number;
  readonly id?: number;
  readonly chargingProfilePurpose?: string;
  readonly chargingSchedule?: Schedule | Schedule[];
}
interface Schedule {
  readonly chargingRateUnit?: string;
  readonly chargingSchedulePeriod: Array<{ readonly limit?: number }>;
}

interface BootResult {
  readonly status: string;
  readonly interval: number;
}

export class SimulatedCharger {
  readonly identity: string;
  readonly protocol: ChargerProtocol;
  /** The password the next connection uses. */
  password: string;
  /** The last BootNotification answer. */
  lastBoot: BootResult | undefined;
  /** Boots answered Accepted since the charger was created. */
  acceptedBoots = 0;

  private client: RPCClient | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private retryMs = 1000;
  private stopped = false;
  private resetting = false;
  private readonly connectors: number;
  private readonly firmware: string;
  private readonly log: (line: string) => void;
  private readonly bootWaiters = new Set<() => void>();
  private readonly meterIntervalMs: number;
  private readonly energyPerIntervalWh: number;
  /** Each connector's energy register (Wh); it only grows, as a real meter's does. */
  private readonly registers = new Map<number, number>();
  private readonly charges = new Map<number, Charge>();
  /** Charging limits the CSMS set, by profile id, in A per phase (SetChargingProfile; ClearChargingProfile removes). */
  private readonly limits = new Map<number, { readonly limitA: number; readonly purpose: string | undefined }>();

  constructor(private readonly options: ChargerOptions) {
    this.identity = options.identity;
    this.protocol = options.protocol;
    this.password = options.password;
    this.connectors = Math.max(1, options.connectors ?? 2);
    this.firmware = options.firmware ?? '1.0.0-sim';
    this.log = options.log ?? (() => undefined);
    this.meterIntervalMs = Math.max(100, options.meterIntervalMs ?? 2000);
    this.energyPerIntervalWh = Math.max(0, options.energyPerIntervalWh ?? 500);
  }

  /** Connects and boots once; rejects when the connection fails (with `code` = HTTP status on a refusal). */
  async connect(): Promise<void> {
    const c = new RPCClient({
      endpoint: this.options.url,
      identity: this.identity,
      password: this.password,
      protocols: [this.protocol],
      strictMode: true,
      reconnect: false,
    } as ConstructorParameters<typeof RPCClient>[0]);
    this.client = c;
    this.handle(c);
    let opened = false;
    c.on('close', () => {
      // A failed connect also ends in 'close'; start() schedules that retry.
      if (!opened || this.client !== c || this.stopped || this.resetting) return;
      this.stopHeartbeat();
      this.log('connection lost');
      if (this.options.reconnect) this.reconnectLater();
    });
    await c.connect();
    opened = true;
    this.retryMs = 1000;
    this.log(`connected to ${this.options.url}/${this.identity} over ${c.protocol}`);
    await this.sendBoot(c);
  }

  /** Connects, and with `reconnect` keeps trying while the server is away. */
  start(): void {
    this.resetting = false;
    this.connect().catch((err: ConnectError) => {
      if (typeof err.code === 'number' && err.code !== 503) {
        this.stopped = true;
        this.options.onRefused?.(err);
        return;
      }
      this.log(`cannot reach ${this.options.url} (${err.message})`);
      if (this.options.reconnect) this.reconnectLater();
    });
  }

  /** Closes the connection now and connects again (with the current password), as after a reboot or API Gateway's 2-hour limit. */
  async reconnect(): Promise<void> {
    this.resetting = true;
    this.stopHeartbeat();
    await this.client?.close({ force: true }).catch(() => undefined);
    this.resetting = false;
    await this.connect();
  }

  /** Resolves once a BootNotification is answered with `status` (checks the last answer first). */
  async waitForBoot(status: string, timeoutMs: number): Promise<void> {
    if (this.lastBoot?.status === status) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (this.lastBoot?.status !== status) return;
        clearTimeout(timer);
        this.bootWaiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.bootWaiters.delete(check);
        reject(new Error(`${this.identity}: no ${status} BootNotification within ${timeoutMs} ms (last: ${this.lastBoot?.status ?? 'none'})`));
      }, timeoutMs);
      this.bootWaiters.add(check);
    });
  }

  /**
   * A card held to the reader: Authorize with it (1.6 idTag; 2.0.1 an ISO14443 idToken) once the boot
   * is Accepted (while Pending a charger sends nothing unasked). Answers the status the CSMS gave, or
   * undefined when the charger is not connected and booted.
   */
  async tap(idTag: string): Promise<string | undefined> {
    const c = this.client;
    if (!c || this.lastBoot?.status !== 'Accepted') return undefined;
    const res = (await c.call('Authorize', this.protocol === 'ocpp1.6' ? { idTag } : { idToken: { idToken: idTag, type: 'ISO14443' } })) as {
      idTagInfo?: { status: string };
      idTokenInfo?: { status: string };
    };
    const status = (res.idTagInfo ?? res.idTokenInfo)?.status ?? 'no status';
    this.log(`Authorize(${idTag}) → ${status}`);
    return status;
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.stopHeartbeat();
    this.dropCharges();
    await this.client?.close({ force: true }).catch(() => undefined);
  }

  private boot() {
    return this.protocol === 'ocpp1.6'
      ? { chargePointVendor: 'Simulator', chargePointModel: 'SIM-AC22', chargePointSerialNumber: this.identity.slice(0, 25), firmwareVersion: this.firmware }
      : { reason: 'PowerUp', chargingStation: { vendorName: 'Simulator', model: 'SIM-AC22', serialNumber: this.identity, firmwareVersion: this.firmware } };
  }

  private status(n: number) {
    return this.protocol === 'ocpp1.6'
      ? { connectorId: n, errorCode: 'NoError', status: 'Available' }
      : { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: n, connectorId: 1 };
  }

  private async sendBoot(c: RPCClient): Promise<void> {
    const res = (await c.call('BootNotification', this.boot())) as BootResult;
    this.lastBoot = res;
    if (res.status === 'Accepted') this.acceptedBoots++;
    this.log(`BootNotification → ${res.status} (interval ${res.interval} s)`);
    for (const waiter of [...this.bootWaiters]) waiter();
    this.stopHeartbeat();
    // While Pending a charge point sends nothing unasked (1.6 §4.2, 2.0.1 B02.FR.09): the CSMS triggers what it wants.
    if (res.status !== 'Accepted') return;
    this.heartbeat = setInterval(
      () => void c.call('Heartbeat', {}).then(() => this.log('Heartbeat')).catch(() => undefined),
      Math.max(res.interval, 10) * 1000,
    );
    this.heartbeat.unref();
    for (let n = 1; n <= this.connectors; n++) await c.call('StatusNotification', this.status(n));
    this.log(`StatusNotification × ${this.connectors} (Available)`);
  }

  private adopt(password: string): void {
    this.password = password;
    this.options.onPasswordChange?.(password);
  }

  private handle(c: RPCClient): void {
    c.handle('TriggerMessage', async ({ params }) => {
      const what = (params as { requestedMessage: string }).requestedMessage;
      this.log(`TriggerMessage(${what})`);
      // Not awaited: the answer to TriggerMessage goes first (1.6 §5.17, 2.0.1 F06).
      setImmediate(() => {
        if (what === 'Heartbeat') void c.call('Heartbeat', {}).then(() => this.log('Heartbeat (triggered)')).catch(() => undefined);
        else if (what === 'BootNotification') void this.sendBoot(c).catch(() => undefined);
        else if (what === 'StatusNotification') void c.call('StatusNotification', this.status(1)).catch(() => undefined);
      });
      return { status: 'Accepted' };
    });
    c.handle('ChangeConfiguration', async ({ params }) => {
      const p = params as { key: string; value: string };
      if (p.key === 'AuthorizationKey') {
        this.log('ChangeConfiguration(AuthorizationKey) → Accepted; the new password is used from the next connection');
        this.adopt(p.value);
      }
      return { status: 'Accepted' };
    });
    c.handle('SetVariables', async ({ params }) => {
      const data = (params as { setVariableData: Array<{ attributeValue: string; component: { name: string }; variable: { name: string } }> }).setVariableData;
      this.log(`SetVariables(${data.map((d) => `${d.component.name}.${d.variable.name}`).join(', ')}) → Accepted`);
      for (const d of data) if (d.variable.name === 'BasicAuthPassword') this.adopt(d.attributeValue);
      return { setVariableResult: data.map((d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })) };
    });
    // No local authorisation list here (1.6 §5.9: -1 = not supported): the platform serves its cards online.
    if (this.protocol === 'ocpp1.6') c.handle('GetLocalListVersion', async () => ({ listVersion: -1 }));
    // Its configuration, as a charger that takes charging profiles in A up to stack level 3 reports
    // it. 1.6 §5.8: the keys asked for that it knows, the rest in `unknownKey`; no key: all it knows.
    c.handle('GetConfiguration', async ({ params }) => {
      const asked = (params as { key?: string[] }).key;
      const known = (k: string) => Object.hasOwn(CONFIGURATION_16, k);
      const keys = asked?.length ? asked.filter(known) : Object.keys(CONFIGURATION_16);
      return {
        configurationKey: keys.map((key) => ({ key, readonly: key !== 'HeartbeatInterval', value: CONFIGURATION_16[key]! })),
        ...(asked?.length ? { unknownKey: asked.filter((k) => !known(k)) } : {}),
      };
    });
    // 2.0.1 B06: each variable asked for, Accepted with its value, or UnknownComponent / UnknownVariable.
    c.handle('GetVariables', async ({ params }) => ({
      getVariableResult: (params as { getVariableData: Array<{ component: { name: string }; variable: { name: string } }> }).getVariableData.map((d) => {
        const component = VARIABLES_201[d.component.name];
        const value = component?.[d.variable.name];
        return { attributeStatus: !component ? 'UnknownComponent' : value === undefined ? 'UnknownVariable' : 'Accepted', ...(value !== undefined ? { attributeValue: value } : {}), component: d.component, variable: d.variable };
      }),
    }));
    c.handle('Reset', async () => {
      this.log('Reset → Accepted; rebooting');
      this.resetting = true;
      // A reboot ends what was charging without a stop message: the CSMS closes such sessions itself.
      this.dropCharges();
      setTimeout(() => void c.close({ code: 1000 }).then(() => this.start()), 500);
      return { status: 'Accepted' };
    });
    this.handleCharging(c);
    // Charging limits (1.6 §5.16 / 2.0.1 K01): kept by profile id and obeyed by the simulated car; a
    // limit in W is taken over three phases at 230 V.
    c.handle('SetChargingProfile', async ({ params }) => {
      const p = params as { csChargingProfiles?: Profile; chargingProfile?: Profile };
      const profile = p.csChargingProfiles ?? p.chargingProfile;
      const schedule = Array.isArray(profile?.chargingSchedule) ? profile?.chargingSchedule[0] : profile?.chargingSchedule;
      const id = profile?.chargingProfileId ?? profile?.id;
      const limit = schedule?.chargingSchedulePeriod[0]?.limit;
      if (id !== undefined && typeof limit === 'number') this.limits.set(id, { limitA: schedule?.chargingRateUnit === 'W' ? limit / (230 * 3) : limit, purpose: profile?.chargingProfilePurpose });
      this.log(`SetChargingProfile(${profile?.chargingProfilePurpose ?? '?'} ${limit ?? '?'} ${schedule?.chargingRateUnit ?? ''}) → Accepted`);
      return { status: 'Accepted' };
    });
    c.handle('ClearChargingProfile', async ({ params }) => {
      const p = params as { id?: number; chargingProfileId?: number };
      const id = p.id ?? p.chargingProfileId;
      const known = id !== undefined && this.limits.delete(id);
      if (id === undefined) this.limits.clear();
      this.log(`ClearChargingProfile(${id ?? 'all'}) → ${known || id === undefined ? 'Accepted' : 'Unknown'}`);
      return { status: known || id === undefined ? 'Accepted' : 'Unknown' };
    });
    c.handle(async ({ method }) => {
      this.log(`${method} → Accepted`);
      return { status: 'Accepted' };
    });
  }

  private handleCharging(c: RPCClient): void {
    c.handle('RemoteStartTransaction', async ({ params }) => {
      const p = params as { connectorId?: number; idTag: string };
      const connector = p.connectorId ?? this.freeConnector();
      const ok = connector !== undefined && connector >= 1 && connector <= this.connectors && !this.charges.has(connector);
      this.log(`RemoteStartTransaction(connector ${p.connectorId ?? 'any'}, ${p.idTag}) → ${ok ? 'Accepted' : 'Rejected'}`);
      // The answer goes first (§5.11), then the charge begins.
      if (ok) setImmediate(() => void this.startCharge16(c, connector, p.idTag).catch((err: Error) => this.log(`StartTransaction failed: ${err.message}`)));
      return { status: ok ? 'Accepted' : 'Rejected' };
    });
    c.handle('RemoteStopTransaction', async ({ params }) => {
      const id = (params as { transactionId: number }).transactionId;
      const charge = [...this.charges.values()].find((ch) => ch.transactionId === id);
      this.log(`RemoteStopTransaction(${id}) → ${charge ? 'Accepted' : 'Rejected'}`);
      if (charge) setImmediate(() => void this.stopCharge16(c, charge).catch((err: Error) => this.log(`StopTransaction failed: ${err.message}`)));
      return { status: charge ? 'Accepted' : 'Rejected' };
    });
    c.handle('RequestStartTransaction', async ({ params }) => {
      const p = params as { evseId?: number; remoteStartId: number; idToken: { idToken: string; type: string } };
      const evse = p.evseId ?? this.freeConnector();
      const ok = evse !== undefined && evse >= 1 && evse <= this.connectors && !this.charges.has(evse);
      this.log(`RequestStartTransaction(evse ${p.evseId ?? 'any'}, ${p.idToken.idToken}) → ${ok ? 'Accepted' : 'Rejected'}`);
      if (!ok) return { status: 'Rejected' };
      const charge: Charge = { connector: evse, idToken: p.idToken.idToken, transactionId: `sim-${Date.now().toString(36)}-${evse}`, seqNo: 0, timer: undefined };
      this.charges.set(evse, charge);
      setImmediate(() => void this.startCharge201(c, charge, p.remoteStartId, p.idToken).catch((err: Error) => this.log(`TransactionEvent failed: ${err.message}`)));
      // F01.FR.13: a station that already has a transaction id may give it in the answer.
      return { status: 'Accepted', transactionId: charge.transactionId };
    });
    c.handle('RequestStopTransaction', async ({ params }) => {
      const id = (params as { transactionId: string }).transactionId;
      const charge = [...this.charges.values()].find((ch) => ch.transactionId === id);
      this.log(`RequestStopTransaction(${id}) → ${charge ? 'Accepted' : 'Rejected'}`);
      if (charge) setImmediate(() => void this.stopCharge201(c, charge).catch((err: Error) => this.log(`TransactionEvent failed: ${err.message}`)));
      return { status: charge ? 'Accepted' : 'Rejected' };
    });
  }

  private freeConnector(): number | undefined {
    for (let n = 1; n <= this.connectors; n++) if (!this.charges.has(n)) return n;
    return undefined;
  }

  private register(connector: number): number {
    return Math.round(this.registers.get(connector) ?? 0);
  }

  /** A TxProfile lives as long as its transaction (1.6 §3.13.1, 2.0.1 K01.FR.05): one charge at a time is what this simulator plays. */
  private dropTxProfiles(): void {
    for (const [id, l] of this.limits) if (l.purpose === 'TxProfile') this.limits.delete(id);
  }

  /** What the car draws per phase now: its own wish, held to the lowest limit set; below 6 A it pauses (IEC 61851). */
  private drawA(): number {
    const limit = Math.min(this.options.carCurrentA ?? 0, ...[...this.limits.values()].map((l) => l.limitA));
    return limit < 6 ? 0 : limit;
  }

  /** Current.Import per phase as sampled values of this version (none without `carCurrentA`). */
  private currents(context: string): Array<Record<string, unknown>> {
    if (this.options.carCurrentA === undefined) return [];
    const a = this.drawA();
    return (['L1', 'L2', 'L3'] as const).map((phase) =>
      this.protocol === 'ocpp1.6' ? { value: String(a), context, measurand: 'Current.Import', phase, unit: 'A' } : { value: a, context, measurand: 'Current.Import', phase, unitOfMeasure: { unit: 'A' } },
    );
  }

  /** The car draws: the register grows by the configured energy each interval, and `report` sends it. */
  private meter(charge: Charge, report: (c: RPCClient) => Promise<void>): void {
    charge.timer = setInterval(() => {
      const wh = this.options.carCurrentA === undefined ? this.energyPerIntervalWh : (this.drawA() * 230 * 3 * this.meterIntervalMs) / 3_600_000;
      this.registers.set(charge.connector, this.register(charge.connector) + wh);
      // Over the current connection: the charge goes on while the charger reconnects (a reading sent while offline is lost).
      if (this.client) void report(this.client).catch(() => undefined);
    }, this.meterIntervalMs);
    charge.timer.unref();
  }

  private dropCharges(): void {
    for (const charge of this.charges.values()) clearInterval(charge.timer);
    this.charges.clear();
    this.dropTxProfiles();
  }

  private async startCharge16(c: RPCClient, connector: number, idTag: string): Promise<void> {
    const charge: Charge = { connector, idToken: idTag, transactionId: undefined, seqNo: 0, timer: undefined };
    this.charges.set(connector, charge);
    await c.call('StatusNotification', { connectorId: connector, errorCode: 'NoError', status: 'Preparing' });
    const meterStart = this.register(connector);
    const res = (await c.call('StartTransaction', { connectorId: connector, idTag, meterStart, timestamp: new Date().toISOString() })) as {
      transactionId: number;
      idTagInfo: { status: string };
    };
    charge.transactionId = res.transactionId;
    this.log(`StartTransaction(connector ${connector}, ${idTag}, meterStart ${meterStart} Wh) → transaction ${res.transactionId}, ${res.idTagInfo.status}`);
    await c.call('StatusNotification', { connectorId: connector, errorCode: 'NoError', status: 'Charging' });
    this.meter(charge, async (c) => {
      const wh = this.register(connector);
      await c.call('MeterValues', {
        connectorId: connector,
        transactionId: res.transactionId,
        meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: String(wh), context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }, ...this.currents('Sample.Periodic')] }],
      });
      this.log(`MeterValues(transaction ${res.transactionId}, ${wh} Wh)`);
    });
  }

  private async stopCharge16(c: RPCClient, charge: Charge): Promise<void> {
    clearInterval(charge.timer);
    this.charges.delete(charge.connector);
    this.dropTxProfiles();
    const meterStop = this.register(charge.connector);
    await c.call('StopTransaction', { transactionId: charge.transactionId, idTag: charge.idToken, meterStop, timestamp: new Date().toISOString(), reason: 'Remote' });
    this.log(`StopTransaction(transaction ${charge.transactionId}, meterStop ${meterStop} Wh, Remote)`);
    // The simulated driver unplugs at once, so the connector can start again.
    await c.call('StatusNotification', { connectorId: charge.connector, errorCode: 'NoError', status: 'Available' });
  }

  private transactionEvent(charge: Charge, eventType: 'Started' | 'Updated' | 'Ended', triggerReason: string, context: string, extra: Record<string, unknown> = {}) {
    const now = new Date().toISOString();
    const { transactionInfo, ...rest } = extra as { transactionInfo?: Record<string, unknown> };
    return {
      eventType,
      timestamp: now,
      triggerReason,
      seqNo: charge.seqNo++,
      transactionInfo: { transactionId: String(charge.transactionId), ...transactionInfo },
      evse: { id: charge.connector, connectorId: 1 },
      meterValue: [{ timestamp: now, sampledValue: [{ value: this.register(charge.connector), context, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }, ...(eventType === 'Updated' ? this.currents(context) : [])] }],
      ...rest,
    };
  }

  private async startCharge201(c: RPCClient, charge: Charge, remoteStartId: number, idToken: { idToken: string; type: string }): Promise<void> {
    const evse = charge.connector;
    await c.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Occupied', evseId: evse, connectorId: 1 });
    const res = (await c.call(
      'TransactionEvent',
      this.transactionEvent(charge, 'Started', 'RemoteStart', 'Transaction.Begin', { transactionInfo: { chargingState: 'Charging', remoteStartId }, idToken }),
    )) as { idTokenInfo?: { status: string } };
    this.log(`TransactionEvent Started(${charge.transactionId}, evse ${evse}, remoteStartId ${remoteStartId}, ${this.register(evse)} Wh) → ${res.idTokenInfo?.status ?? 'answered'}`);
    this.meter(charge, async (c) => {
      await c.call('TransactionEvent', this.transactionEvent(charge, 'Updated', 'MeterValuePeriodic', 'Sample.Periodic'));
      this.log(`TransactionEvent Updated(${charge.transactionId}, ${this.register(evse)} Wh)`);
    });
  }

  private async stopCharge201(c: RPCClient, charge: Charge): Promise<void> {
    clearInterval(charge.timer);
    this.charges.delete(charge.connector);
    this.dropTxProfiles();
    await c.call(
      'TransactionEvent',
      this.transactionEvent(charge, 'Ended', 'RemoteStop', 'Transaction.End', { transactionInfo: { chargingState: 'EVConnected', stoppedReason: 'Remote' } }),
    );
    this.log(`TransactionEvent Ended(${charge.transactionId}, ${this.register(charge.connector)} Wh, Remote)`);
    await c.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: charge.connector, connectorId: 1 });
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    this.log(`reconnecting in ${Math.round(this.retryMs / 1000)} s`);
    setTimeout(() => this.start(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
  }
}
