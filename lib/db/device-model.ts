// The device model a 2.0.1 station reports in NotifyReport (B07 GetBaseReport, B08 GetReport): each
// part is stored as it came, keyed by request id and part number (ACCESS_PATTERNS.md AP-35).
import { config } from '../config';
import { ENTITY, keys } from './keys';
import { queryAll } from './query';
import type { TransactItem } from '../aws/transact';

export interface DeviceModelPart {
  readonly requestId: number;
  readonly seqNo: number;
  readonly generatedAt: string;
  readonly receivedAt: string;
  /** More parts follow (NotifyReport `tbc`). */
  readonly tbc: boolean;
  readonly reportData: readonly Record<string, unknown>[];
}

export interface DeviceModelReport {
  readonly requestId: number;
  readonly generatedAt: string;
  readonly receivedAt: string;
  /** Every part from 0 up to one with tbc=false has arrived. */
  readonly complete: boolean;
  readonly reportData: readonly Record<string, unknown>[];
}

/** The write that stores one NotifyReport part; it goes in the same transaction as the log entry. */
export function deviceModelPartPut(identity: string, part: DeviceModelPart): TransactItem {
  return { Put: { TableName: config().tableName, Item: { ...keys.deviceModelReport(identity, part.requestId, part.seqNo), type: ENTITY.deviceModelReport, identity, ...part } } };
}

/** AP-35: every report of a station, newest (last received) first, parts joined in seqNo order. */
export async function listDeviceModelReports(identity: string): Promise<DeviceModelReport[]> {
  const k = keys.deviceModelOfChargePoint(identity);
  const parts = await queryAll<DeviceModelPart>({
    TableName: config().tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix },
  });
  const byRequest = new Map<number, DeviceModelPart[]>();
  for (const p of parts) byRequest.set(p.requestId, [...(byRequest.get(p.requestId) ?? []), p]);
  const reports = [...byRequest.values()].map((ps): DeviceModelReport => {
    const sorted = [...ps].sort((a, b) => a.seqNo - b.seqNo);
    const last = sorted[sorted.length - 1]!;
    return {
      requestId: last.requestId,
      generatedAt: sorted[0]!.generatedAt,
      receivedAt: sorted.reduce((m, p) => (p.receivedAt > m ? p.receivedAt : m), sorted[0]!.receivedAt),
      complete: !last.tbc && sorted.every((p, i) => p.seqNo === i),
      reportData: sorted.flatMap((p) => p.reportData),
    };
  });
  return reports.sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : b.requestId - a.requestId));
}
