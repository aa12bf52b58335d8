// One small dashboard. Alarms live next to what they watch (AppFunction, EdgeStack, EventsStack)
// so removing a route removes its alarms in the same deploy. Lambda and queue graphs use search
// expressions on the stack-name prefix instead of references, for the same reason: a dashboard
// that imported every function name would block removing a function (export in use).
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric, Metric, SearchExpression, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config';
import { EdgeStack } from './edge-stack';

export interface MonitoringStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly edge: EdgeStack;
}

export class MonitoringStack extends Stack {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config, edge } = props;
    const period = Duration.minutes(5);
    const webSocketApiId = edge.exports.use(this, 'WebSocketApiId');
    const httpApiId = edge.exports.use(this, 'HttpApiId');

    const apiMetric = (apiId: string, metricName: string, statistic: string, extra: Record<string, string> = {}) =>
      new Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap: { ApiId: apiId, ...extra }, statistic, period, label: metricName });
    const ws = (metricName: string, statistic = 'Sum') => apiMetric(webSocketApiId, metricName, statistic, { Stage: EdgeStack.WEBSOCKET_STAGE });
    const http = (metricName: string, statistic = 'Sum') => apiMetric(httpApiId, metricName, statistic);
    // Function and queue names start with their stack name, `<stackPrefix>-<Stack>-…`.
    const search = (namespace: string, dimension: string, metricName: string, statistic: string): IMetric =>
      new SearchExpression({
        expression: `SEARCH('{${namespace},${dimension}} MetricName="${metricName}" ${dimension}=${config.stackPrefix}', '${statistic}', 300)`,
        label: '',
        period,
      });
    const graph = (title: string, left: IMetric[], width = 8) => new GraphWidget({ title, left, width, height: 6 });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: config.stackPrefix,
      defaultInterval: Duration.hours(12),
      widgets: [
        [
          new TextWidget({
            markdown: `# ${config.stackPrefix}\nOCPP WebSocket (through CloudFront), HTTP API, functions and dead letters. Alarms notify the Data stack's alarm topic.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          graph('OCPP connections and frames', [ws('ConnectCount'), ws('MessageCount')]),
          graph('OCPP errors', [ws('ExecutionError'), ws('IntegrationError'), ws('ClientError')]),
          graph('OCPP integration latency (p99, ms)', [ws('IntegrationLatency', 'p99')]),
        ],
        [
          graph('HTTP API requests', [http('Count')]),
          graph('HTTP API 4xx / 5xx', [http('4xx'), http('5xx')]),
          graph('HTTP API latency (p99, ms)', [http('Latency', 'p99')]),
        ],
        [
          graph('Function errors', [search('AWS/Lambda', 'FunctionName', 'Errors', 'Sum')], 6),
          graph('Function throttles', [search('AWS/Lambda', 'FunctionName', 'Throttles', 'Sum')], 6),
          graph('Function duration (p99, ms)', [search('AWS/Lambda', 'FunctionName', 'Duration', 'p99')], 6),
          graph('Dead letters waiting', [search('AWS/SQS', 'QueueName', 'ApproximateNumberOfMessagesVisible', 'Maximum')], 6),
        ],
      ],
    });
  }
}
