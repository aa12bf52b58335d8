// Messages between the bench (parent) and the load generator (a child process playing the chargers),
// so the simulated chargers do not share an event loop with the gateway they measure.
import type { OcppVersion } from '../lib/frames';

export interface ChargerSpec {
  readonly identity: string;
  readonly password: string;
  readonly protocol: OcppVersion;
  readonly connectorCount: number;
}

export type ParentMessage =
  | { readonly cmd: 'init'; readonly ocppUrl: string; readonly chargers: readonly ChargerSpec[] }
  | { readonly cmd: 'connect'; readonly concurrency: number }
  | { readonly cmd: 'boot' }
  | { readonly cmd: 'reconnect'; readonly concurrency: number }
  | { readonly cmd: 'probe'; readonly rounds: number }
  | { readonly cmd: 'mix'; readonly seconds: number; readonly heartbeatSeconds: number; readonly sessionShare: number }
  | { readonly cmd: 'close' };

/** Round trips (ms) and errors of one phase, by message type (`ocpp1.6 Heartbeat`). */
export interface PhaseReport {
  readonly elapsedMs: number;
  readonly rttMs: Record<string, number[]>;
  readonly errors: Record<string, Record<string, number>>;
  /** Messages the schedule asked for (mix only): the offered load. */
  readonly scheduled: number;
  readonly extra?: Record<string, number>;
}

export interface ConnectReport {
  readonly elapsedMs: number;
  readonly connected: number;
  readonly failed: number;
  readonly handshakeMs: number[];
  readonly failures: Record<string, number>;
}

export type ChildMessage =
  | { readonly reply: 'ready' }
  | { readonly reply: 'connect'; readonly report: ConnectReport }
  | { readonly reply: 'phase'; readonly report: PhaseReport }
  | { readonly reply: 'closed'; readonly elapsedMs: number }
  | { readonly reply: 'error'; readonly message: string };
