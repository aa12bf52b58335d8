// Status reports: StatusNotification, firmware/diagnostics/log status, security events, reports,
// DataTransfer and Authorize. All but FirmwareStatusNotification cost exactly one write (the log).
import type { TransactItem } from '../../aws/transact';
import { config } from '../../config';
import { keys } from '../../db/keys';
import { idTagInfoFor } from '../../domain/authorization';
import { authorizePresentation } from '../../domain/card-capture';
import { makeEvent, publish } from '../../events/publish';
import type { ActionHandler } from './types';

interface Status16 {
  connectorId: number;
  errorCode: string;
  status: string;
  timestamp?: string;
  info?: string;
}
interface Status201 {
  timestamp: string;
  connectorStatus: string;
  evseId: number;
  connectorId: number;
}

/** The key of one connector in the latest-status index: `1` (1.6) or `1/1` (2.0.1 evse/connector). */
export function connectorKey(evseId: number | undefined, connectorId: number): string {
  return evseId === undefined ? String(connectorId) : `${evseId}/${connectorId}`;
}

/** Above this a NumberOfConnectors value is not believed (a registration allows 16). */
const MAX_NUMBER_OF_CONNECTORS = 64;

/**
 * What an answer to one of our commands says about the charger's connectors, as writes to add to
 * the transaction that records the answer (not a per-frame cost: only a GetConfiguration answer
 * writes). 1.6 NumberOfConnectors is "the number of physical charging connectors of this Charge
 * Point" (1.6 §9.1.21), so it replaces the count typed at registration (charge-point-view.ts
 * connectorCountOf). 2.0.1 reports its EVSEs and connectors in StatusNotification instead.
 */
export function connectorFactWrites(conn: { chargePointId: string }, action: string, response: Record<string, unknown> | undefined, at: string): TransactItem[] {
  if (action !== 'GetConfiguration' || !Array.isArray(response?.configurationKey)) return [];
  const entry = (response.configurationKey as Array<{ key?: unknown; value?: unknown }>).find((k) => k.key === 'NumberOfConnectors');
  const n = typeof entry?.value === 'string' && /^\d{1,3}$/.test(entry.value.trim()) ? Number(entry.value.trim()) : NaN;
  if (!(n >= 1 && n <= MAX_NUMBER_OF_CONNECTORS)) return [];
  return [
    {
      Update: {
        TableName: config().tableName,
        Key: keys.chargePoint(conn.chargePointId),
        UpdateExpression: 'SET numberOfConnectors = :n, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':n': n, ':at': at },
      },
    },
  ];
}

/**
 * One write: the log entry, which also carries the latest-status index keys (gsi2), so the current
 * status of a connector is the newest entry under its prefix in the charge point's index partition,
 * and a connector is known from its first report on (ACCESS_PATTERNS.md AP-12).
 */
export const statusNotification: ActionHandler = async (ctx, payload: Status16 | Status201) => {
  const report =
    ctx.version === 'ocpp1.6'
      ? { connectorId: (payload as Status16).connectorId, status: (payload as Status16).status, errorCode: (payload as Status16).errorCode }
      : { evseId: (payload as Status201).evseId, connectorId: (payload as Status201).connectorId, status: (payload as Status201).connectorStatus };
  const key = connectorKey(report.evseId, report.connectorId);
  return {
    category: 'ocpp_state',
    response: {},
    logExtra: { ...keys.connectorStatus(ctx.identity, key, ctx.receivedAt), connectorStatus: { ...report, at: ctx.receivedAt } },
    effects: [
      () =>
        publish([
          makeEvent('charge_point.status_changed', ctx.connection.operatorId, {
            charge_point_id: ctx.connection.chargePointId,
            charge_point_identity: ctx.identity,
            project_id: ctx.connection.projectId,
            ...(report.evseId !== undefined ? { evse_id: report.evseId } : {}),
            connector_id: report.connectorId,
            status: report.status,
            ...(report.errorCode && report.errorCode !== 'NoError' ? { error_code: report.errorCode } : {}),
            ...(ctx.connection.powerManaged ? { power_managed: true } : {}),
          }),
        ]),
    ],
  };
};

export const firmwareStatusNotification: ActionHandler = async (ctx, payload: { status: string; requestId?: number }) => ({
  category: 'ocpp_state',
  response: {},
  writes: [
    {
      Update: {
        TableName: config().tableName,
        Key: keys.chargePoint(ctx.connection.chargePointId),
        UpdateExpression: 'SET firmwareStatus = :f, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':f': { status: payload.status, at: ctx.receivedAt }, ':at': ctx.receivedAt },
      },
    },
  ],
});

/** 1.6 DiagnosticsStatusNotification and 2.0.1 LogStatusNotification: the log entry is the record. */
export const logOnly =
  (category: 'ocpp_state' | 'security' | 'transaction'): ActionHandler =>
  async () => ({ category, response: {} });

/** Vendor ids whose DataTransfer we accept (comma-separated DATA_TRANSFER_VENDOR_IDS); anything else is UnknownVendorId. */
function acceptedVendors(): Set<string> {
  return new Set((process.env.DATA_TRANSFER_VENDOR_IDS ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

export const dataTransfer: ActionHandler = async (_ctx, payload: { vendorId: string }) => ({
  category: 'ocpp_state',
  response: { status: acceptedVendors().has(payload.vendorId) ? 'Accepted' : 'UnknownVendorId' },
});

/**
 * Authorize (1.6 §4.2, 2.0.1 C01): the token is checked against the operator's drivers
 * (domain/authorization.ts: team scoping, free vend while inactive, the 60 s cache), through the
 * charger's card-learning window (domain/card-learning.ts: one strongly consistent read; a token
 * captured while learning and unknown is refused). The verdict, whether free vend accepted it and
 * any capture go on the log item.
 */
export const authorize: ActionHandler = async (ctx, payload: { idTag?: string; idToken?: { idToken: string; type: string } }) => {
  const presented = ctx.version === 'ocpp1.6' ? { idToken: payload.idTag ?? '' } : { idToken: payload.idToken?.idToken ?? '', type: payload.idToken?.type };
  const a = await authorizePresentation(ctx.connection.chargePointId, { ...presented, source: 'Authorize' });
  const info = idTagInfoFor(ctx.version, a);
  return {
    category: 'transaction',
    response: ctx.version === 'ocpp1.6' ? { idTagInfo: info } : { idTokenInfo: info },
    logExtra: { authorisation: { verdict: a.verdict, freeVend: a.freeVend, ...(a.driver ? { userId: a.driver.userId } : {}), ...(a.captured ? { captured: a.captured } : {}) } },
  };
};
