import type { TransactItem } from '../../aws/transact';
import type { ConnectionRecord } from '../../db/charge-points';
import type { LogCategory } from '../../db/logs';
import type { JsonObject } from '../codec';
import type { OcppVersion } from '../versions';

export interface ActionContext {
  readonly version: OcppVersion;
  readonly identity: string;
  readonly connection: ConnectionRecord;
  readonly messageId: string;
  readonly receivedAt: string;
}

/**
 * What an action handler decides. The pipeline writes `writes` and the log entry in ONE transaction
 * (or a single PutItem when there are no writes, or each alone with `writesAlone`), answers
 * `response`, then runs `effects`.
 */
export interface ActionResult {
  readonly response: JsonObject;
  readonly category: LogCategory;
  readonly writes?: readonly TransactItem[];
  /** Extra attributes on the log item (e.g. the latest-connector-status index keys). */
  readonly logExtra?: Record<string, unknown>;
  /** Remember the answer under (identity, messageId, request hash) so a retried CALL is answered the same and not applied twice. */
  readonly replayGuard?: boolean;
  /**
   * The writes need no transaction and no replay guard: each is its own request, then the log's
   * PutItem. For writes that set what the message says and are guarded by their own condition (a
   * meter reading on a session, conditional on its `rev`; a 2.0.1 event, on its seqNo), so a retry
   * changes nothing and a write that lands without its log entry loses nothing. A transaction bills
   * every item's write units twice (issue #13). A failed condition is logged as in a transaction.
   */
  readonly writesAlone?: boolean;
  /** After the write succeeded: publish events, send follow-up commands. Failures are logged, never answered. */
  readonly effects?: ReadonlyArray<() => Promise<void>>;
  /**
   * Run `effects` only when `writes` took: a state write whose condition failed (a session that
   * changed meanwhile, a stop for one already ended) must not announce the change (session webhooks
   * are sent once).
   */
  readonly effectsNeedWrites?: boolean;
}

// Payloads are validated against the official schemas before a handler runs, so handlers may rely
// on the fields the schema requires.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ActionHandler = (ctx: ActionContext, payload: any) => Promise<ActionResult>;
