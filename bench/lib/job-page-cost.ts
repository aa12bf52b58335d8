// The job page's live updates (issue #14) priced per open page-hour: the page polls
// GET /api/v1/public/jobs/{token} with If-None-Match every few seconds while its tab is visible
// (web/job/app.ts POLL_MS) and stops while hidden. Each poll is one HTTP API request, one Lambda
// invocation and the reads that resolve the link and load the job; a 304 saves the body (bytes out
// and serialising) but not the reads, because the tag is computed from the view it stands for.
// Pure arithmetic, unit-tested in test/unit/bench/job-page-cost.test.ts.
import type { Price, PriceName } from './prices';

export interface PollAssumptions {
  /** Seconds between polls while the tab is visible. */
  readonly pollSeconds: number;
  readonly lambdaMemoryMb: number;
  /** Billed Lambda time of one poll answered 304 / 200 (warm). */
  readonly billedMs304: number;
  readonly billedMs200: number;
  /** DynamoDB read units of one poll (link item + the job's items, eventually consistent), same for 304 and 200. */
  readonly readUnits: number;
  /** Bytes on the wire of a 304 (headers only) and a 200 (headers + the JSON of the job). */
  readonly bytes304: number;
  readonly bytes200: number;
}

/**
 * A 14-charge-point job (the issue's `8 / 14 connected`): link GetItem (0.5 RRU) + the project and
 * its charge points in one Query of ~14 KB eventually consistent (2 RRU) + notes (0.5 RRU); ~9 KB of
 * JSON; Lambda times of a small read handler at 512 MB arm64, warm.
 */
export const DEFAULT_POLL_ASSUMPTIONS: PollAssumptions = {
  pollSeconds: 3,
  lambdaMemoryMb: 512,
  billedMs304: 12,
  billedMs200: 18,
  readUnits: 3,
  bytes304: 450,
  bytes200: 9_500,
};

export interface PollCostLine {
  readonly item: string;
  readonly per304Usd: number;
  readonly per200Usd: number;
}

export interface PageHourCost {
  readonly requestsPerHour: number;
  readonly lines: readonly PollCostLine[];
  readonly per304Usd: number;
  readonly per200Usd: number;
  /** One visible page-hour where nothing changes (every poll 304) and where everything does (every poll 200). */
  readonly hourAll304Usd: number;
  readonly hourAll200Usd: number;
  /** One visible page-hour with `changedShare` of the polls answered 200. */
  hourUsd(changedShare: number): number;
}

/** First-tier prices: one open page is a rounding error next to the tiers' thresholds. */
const first = (p: Price) => p.tiers[0]!.price;

export function pageHourCost(a: PollAssumptions, prices: Readonly<Record<PriceName, Price>>): PageHourCost {
  const gbSeconds = (ms: number) => (ms / 1000) * (a.lambdaMemoryMb / 1024);
  const lines: PollCostLine[] = [
    { item: 'HTTP API request', per304Usd: first(prices.apiGatewayHttpRequests), per200Usd: first(prices.apiGatewayHttpRequests) },
    { item: 'Lambda request', per304Usd: first(prices.lambdaRequests), per200Usd: first(prices.lambdaRequests) },
    { item: 'Lambda duration (arm64)', per304Usd: gbSeconds(a.billedMs304) * first(prices.lambdaGbSecondsArm), per200Usd: gbSeconds(a.billedMs200) * first(prices.lambdaGbSecondsArm) },
    { item: 'DynamoDB reads', per304Usd: a.readUnits * first(prices.dynamoDbReadUnits), per200Usd: a.readUnits * first(prices.dynamoDbReadUnits) },
    { item: 'data transfer out', per304Usd: (a.bytes304 / 1024 ** 3) * first(prices.dataTransferOut), per200Usd: (a.bytes200 / 1024 ** 3) * first(prices.dataTransferOut) },
  ];
  const per304Usd = lines.reduce((s, l) => s + l.per304Usd, 0);
  const per200Usd = lines.reduce((s, l) => s + l.per200Usd, 0);
  const requestsPerHour = 3600 / a.pollSeconds;
  const hourUsd = (changedShare: number) => requestsPerHour * ((1 - changedShare) * per304Usd + changedShare * per200Usd);
  return { requestsPerHour, lines, per304Usd, per200Usd, hourAll304Usd: hourUsd(0), hourAll200Usd: hourUsd(1), hourUsd };
}
