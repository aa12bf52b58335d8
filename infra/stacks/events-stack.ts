// The event bus and one rule + target function + dead-letter queue per row of the rule table
// (lib/events/rules.ts), which the local bus also runs.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { EVENT_RULES, type EventRule, scheduleRateMs } from '../../lib/events/rules';
import type { DeployConfig } from '../config';
import { AppFunction } from '../constructs/app-function';
import { constructId } from '../ids';
import { importPlatform } from '../platform';
import { StackExports } from '../stack-exports';
import type { DataStack } from './data-stack';
import type { EdgeStack } from './edge-stack';

export type EventsExport = 'EventBusName';

export interface EventsStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly data: DataStack;
  readonly edge: EdgeStack;
}

/** One row of the rule table, deployed. */
export interface DeployedRule {
  readonly row: EventRule;
  readonly function: AppFunction;
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;
}

export class EventsStack extends Stack {
  readonly eventBus: EventBus;
  /** By rule name (frozen once deployed: it names the construct). */
  readonly rules: ReadonlyMap<string, DeployedRule>;
  readonly exports = new StackExports<EventsExport>(this);

  constructor(scope: Construct, id: string, props: EventsStackProps) {
    super(scope, id, props);
    this.eventBus = new EventBus(this, 'EventBus', {
      // Bus names are per account and region: the stack name keeps a second copy (stackPrefix) apart.
      eventBusName: `${this.stackName}-bus`,
      description: 'Domain events of the commissioning platform (lib/events/catalogue.ts)' });
    this.exports.publish('EventBusName', this.eventBus.eventBusName, 'Custom event bus');
    const platform = importPlatform(this, { ...props, eventBus: this.eventBus });
    const alarmAction = new SnsAction(platform.alarmTopic);

    const rules = new Map<string, DeployedRule>();
    for (const row of EVENT_RULES) {
      const id = constructId(row.name);
      // One queue per rule catches both failure paths: EventBridge failing to invoke the target,
      // and the function failing every asynchronous attempt (Lambda's own retries).
      const deadLetterQueue = new Queue(this, `${id}DeadLetters`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      const fn = new AppFunction(this, id, {
        entry: row.entry,
        description: row.description,
        access: row.access,
        platform,
        timeout: Duration.minutes(1),
        deadLetterQueue,
      });
      const target = new LambdaFunction(fn.function, { deadLetterQueue, retryAttempts: 8, maxEventAge: Duration.hours(6) });
      const rule = new Rule(this, `${id}Rule`, { description: `${row.name}: ${row.description}`.slice(0, 512), targets: [target], ...this.trigger(row) });
      deadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
        .createAlarm(this, `${id}DeadLettersAlarm`, {
          alarmDescription: `${row.name}: events that could not be delivered or processed (redrive from the queue once fixed)`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(alarmAction);
      rules.set(row.name, { row, function: fn, rule, deadLetterQueue });
    }
    this.rules = rules;
  }

  /** A pattern rule on the custom bus, or a schedule, which EventBridge only runs on the default bus. */
  private trigger(row: EventRule): { eventBus?: EventBus; eventPattern?: { source: string[]; detailType: string[]; detail?: Record<string, unknown> }; schedule?: Schedule } {
    if (row.pattern && row.schedule) throw new Error(`Rule ${row.name}: a pattern or a schedule, not both`);
    if (row.pattern) {
      // The envelope's payload is `detail.data` (lib/events/publish.ts): a data filter is matched there.
      const data = row.pattern.data ? { detail: { data: Object.fromEntries(Object.entries(row.pattern.data).map(([k, v]) => [k, [...v]])) } } : {};
      return { eventBus: this.eventBus, eventPattern: { source: [...row.pattern.source], detailType: [...row.pattern.detailType], ...data } };
    }
    if (row.schedule) {
      if (scheduleRateMs(row.schedule) === undefined) throw new Error(`Rule ${row.name}: schedule must be rate(N minute|minutes|hour|hours|day|days)`);
      return { schedule: Schedule.expression(row.schedule) };
    }
    throw new Error(`Rule ${row.name}: needs a pattern or a schedule`);
  }
}
