// Values one stack hands to later stacks, as CloudFormation exports with names we choose.
//
// Why not CDK's automatic cross-stack references: their export names embed logical-ID hashes, so
// an IAM resource built on one (`<table>/index/*`) cannot be named ahead of time, and cdk-nag v3
// acknowledges findings by exact id only. With named exports every consumer sees
// `{ "Fn::ImportValue": "<Stack>-TableName" }`, the same before and after synthesis, so each
// acknowledgement names exactly the resource it excuses (infra/nag.ts). The names are also a
// stable interface: renaming a construct does not churn the exports.
import { CfnOutput, Fn, type Stack } from 'aws-cdk-lib';

export class StackExports<Key extends string> {
  constructor(private readonly producer: Stack) {}

  /** The export name of `key`: `<producer stack name>-<key>`. */
  exportName(key: Key): string {
    return `${this.producer.stackName}-${key}`;
  }

  /** Publishes `value` under `key` (also shown as a stack output). */
  publish(key: Key, value: string, description: string): void {
    new CfnOutput(this.producer, key, { value, description, exportName: this.exportName(key) });
  }

  /** `key` as seen from `consumer`; the consumer is deployed after the producer. */
  use(consumer: Stack, key: Key): string {
    if (consumer === this.producer) throw new Error(`${key} is local to ${consumer.stackName}; use the construct, not the export`);
    consumer.addStackDependency(this.producer);
    return Fn.importValue(this.exportName(key));
  }
}
