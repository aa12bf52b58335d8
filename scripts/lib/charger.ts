// A well-behaved simulated OCPP charge point, shared by `npm run simulate` (scripts/simulate-charger.ts)
// and `npm run smoke` (scripts/smoke.ts), so there is one simulator to keep right.
//
// It boots, reports its connectors, heartbeats at the interval it is given, answers TriggerMessage
// (by sending what was asked for), Reset (reboots), GetConfiguration / GetVariables, and accepts a
// new password (ChangeConfiguration AuthorizationKey, OCPP 1.6 §5.3 / SetVariables
// SecurityCtrlr.BasicAuthPassword, 2.0.1 B07), using it from its next connection as real firmware does.
// With `reconnect`, a lost connection is retried with backoff; a refusal (HTTP 401/404/400) is not.
import { RPCClient } from 'ocpp-rpc';

export type ChargerProtocol = 'ocpp1.6' | 'ocpp2.0.1';

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
  /** Called when the CSMS sets a new password (already adopted for the next connection). */
  readonly onPasswordChange?: (password: string) => void;
  /** Called when the server refuses the connection (HTTP status), after which the charger stops. */
  readonly onRefused?: (err: ConnectError) => void;
}

export type ConnectError = Error & { code?: unknown; response?: { headers?: Record<string, unknown> } };

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

  constructor(private readonly options: ChargerOptions) {
    this.identity = options.identity;
    this.protocol = options.protocol;
    this.password = options.password;
    this.connectors = Math.max(1, options.connectors ?? 2);
    this.firmware = options.firmware ?? '1.0.0-sim';
    this.log = options.log ?? (() => undefined);
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

  async close(): Promise<void> {
    this.stopped = true;
    this.stopHeartbeat();
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
    c.handle('GetConfiguration', async () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }));
    c.handle('GetVariables', async ({ params }) => ({
      getVariableResult: (params as { getVariableData: Array<{ component: { name: string }; variable: { name: string } }> }).getVariableData.map((d) => ({
        attributeStatus: 'UnknownVariable',
        component: d.component,
        variable: d.variable,
      })),
    }));
    c.handle('Reset', async () => {
      this.log('Reset → Accepted; rebooting');
      this.resetting = true;
      setTimeout(() => void c.close({ code: 1000 }).then(() => this.start()), 500);
      return { status: 'Accepted' };
    });
    c.handle(async ({ method }) => {
      this.log(`${method} → Accepted`);
      return { status: 'Accepted' };
    });
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
