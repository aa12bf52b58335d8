// The ONE price table of the cost model. AWS list prices, us-east-1, on-demand, without free tiers,
// savings plans or private pricing. Prices change: check each line against its source before
// quoting a figure, and update `asOf` when you do.

export interface Tier {
  /** Cumulative monthly quantity (fleet-wide) up to which `price` applies; Infinity for the last tier. */
  readonly upTo: number;
  /** USD per unit. */
  readonly price: number;
}

export interface Price {
  readonly unit: string;
  readonly tiers: readonly Tier[];
  readonly source: string;
}

const flat = (unit: string, price: number, source: string): Price => ({ unit, tiers: [{ upTo: Infinity, price }], source });

export const PRICE_TABLE = {
  asOf: '2026-11-21',
  region: 'us-east-1',
  note: 'List prices as known to the author on this date; they were not re-fetched from AWS. Check every line before relying on it.',
  prices: {
    apiGatewayMessages: {
      unit: 'WebSocket message (each 32 KB counts as one), both directions',
      tiers: [
        { upTo: 1e9, price: 1.0 / 1e6 },
        { upTo: Infinity, price: 0.8 / 1e6 },
      ],
      source: 'https://aws.amazon.com/api-gateway/pricing/',
    },
    // The job page's polling (bench/lib/job-page-cost.ts): HTTP API requests are metered per 512 KB.
    apiGatewayHttpRequests: {
      unit: 'HTTP API request (each 512 KB counts as one)',
      tiers: [
        { upTo: 300e6, price: 1.0 / 1e6 },
        { upTo: Infinity, price: 0.9 / 1e6 },
      ],
      source: 'https://aws.amazon.com/api-gateway/pricing/',
    },
    dataTransferOut: flat('Data transfer out to the internet from API Gateway, GB (first 10 TB)', 0.09, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer'),
    apiGatewayConnectionMinutes: flat('WebSocket connection minute', 0.25 / 1e6, 'https://aws.amazon.com/api-gateway/pricing/'),
    lambdaRequests: flat('Lambda request', 0.2 / 1e6, 'https://aws.amazon.com/lambda/pricing/'),
    lambdaGbSecondsArm: {
      unit: 'Lambda GB-second, arm64',
      tiers: [
        { upTo: 7.5e9, price: 0.0000133334 },
        { upTo: 18.75e9, price: 0.0000120001 },
        { upTo: Infinity, price: 0.0000106667 },
      ],
      source: 'https://aws.amazon.com/lambda/pricing/',
    },
    dynamoDbWriteUnits: flat('DynamoDB on-demand write request unit (1 KB)', 0.625 / 1e6, 'https://aws.amazon.com/dynamodb/pricing/on-demand/'),
    dynamoDbReadUnits: flat('DynamoDB on-demand read request unit (4 KB, strongly consistent = 1)', 0.125 / 1e6, 'https://aws.amazon.com/dynamodb/pricing/on-demand/'),
    dynamoDbStorage: flat('DynamoDB standard storage, GB-month', 0.25, 'https://aws.amazon.com/dynamodb/pricing/on-demand/'),
    eventBridgeEvents: flat('EventBridge custom event published (64 KB chunks)', 1.0 / 1e6, 'https://aws.amazon.com/eventbridge/pricing/'),
    cloudWatchLogsIngest: {
      unit: 'CloudWatch Logs ingestion, Lambda (vended) logs, GB',
      tiers: [
        { upTo: 10 * 1024, price: 0.5 },
        { upTo: 30 * 1024, price: 0.25 },
        { upTo: 50 * 1024, price: 0.1 },
        { upTo: Infinity, price: 0.05 },
      ],
      source: 'https://aws.amazon.com/cloudwatch/pricing/',
    },
    cloudFrontDataOut: flat('CloudFront data transfer out to the internet, GB (first 10 TB, North America)', 0.085, 'https://aws.amazon.com/cloudfront/pricing/'),
    cloudFrontDataToOrigin: flat('CloudFront data transfer out to origin, GB', 0.02, 'https://aws.amazon.com/cloudfront/pricing/'),
    cloudFrontRequests: flat('CloudFront HTTPS request (the WebSocket upgrade)', 0.01 / 1e4, 'https://aws.amazon.com/cloudfront/pricing/'),
    cloudFrontFunctions: flat('CloudFront Functions invocation', 0.1 / 1e6, 'https://aws.amazon.com/cloudfront/pricing/'),
    cloudWatchAlarm: flat('CloudWatch standard alarm, month', 0.1, 'https://aws.amazon.com/cloudwatch/pricing/'),
    cloudWatchDashboard: flat('CloudWatch dashboard, month', 3.0, 'https://aws.amazon.com/cloudwatch/pricing/'),
    secretsManagerSecret: flat('Secrets Manager secret, month', 0.4, 'https://aws.amazon.com/secrets-manager/pricing/'),
  },
} as const satisfies { asOf: string; region: string; note: string; prices: Record<string, Price> };

export type PriceName = keyof typeof PRICE_TABLE.prices;
