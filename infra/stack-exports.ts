// Values one stack hands to later stacks, as CloudFormation exports with names we choose, or as
// SSM parameters where the value may change after the first deploy.
//
// Why not CDK's automatic cross-stack references: their export names embed logical-ID hashes, so
// an IAM resource built on one (`<table>/index/*`) cannot be named ahead of time, and cdk-nag v3
// acknowledges findings by exact id only. With named exports every consumer sees
// `{ "Fn::ImportValue": "<Stack>-TableName" }`, the same before and after synthesis, so each
// acknowledgement names exactly the resource it excuses (infra/nag.ts). The names are also a
// stable interface: renaming a construct does not churn the exports.
//
// Why parameters for some values: CloudFormation refuses to change the value of an export that
// another stack imports. A value that a deployment setting can change later (a custom OCPP or API
// domain, an operator-supplied signing secret) therefore travels as an SSM parameter that the
// consumer resolves at deploy time (`AWS::SSM::Parameter::Value<String>`): adding the setting to a
// running deployment is then an ordinary `cdk deploy --all` (producer first, by stack dependency).
import { CfnOutput, Fn, type Stack } from 'aws-cdk-lib';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';

export class StackExports<Key extends string, ParameterKey extends string = never> {
  constructor(private readonly producer: Stack) {}

  /** The export name of `key`: `<producer stack name>-<key>`. */
  exportName(key: Key): string {
    return `${this.producer.stackName}-${key}`;
  }

  /** The SSM parameter name of `key`: `/<producer stack name>/<key>`. */
  parameterName(key: ParameterKey): string {
    return `/${this.producer.stackName}/${key}`;
  }

  /** Publishes `value` under `key` (also shown as a stack output). */
  publish(key: Key, value: string, description: string): void {
    new CfnOutput(this.producer, key, { value, description, exportName: this.exportName(key) });
  }

  /** Publishes a value that may change between deploys as an SSM parameter (and a plain output). */
  publishParameter(key: ParameterKey, value: string, description: string): void {
    new StringParameter(this.producer, `${key}Parameter`, { parameterName: this.parameterName(key), stringValue: value, description });
    new CfnOutput(this.producer, key, { value, description });
  }

  /** `key` as seen from `consumer`; the consumer is deployed after the producer. */
  use(consumer: Stack, key: Key): string {
    if (consumer === this.producer) throw new Error(`${key} is local to ${consumer.stackName}; use the construct, not the export`);
    consumer.addStackDependency(this.producer);
    return Fn.importValue(this.exportName(key));
  }

  /** A parameter `key` as seen from `consumer`, resolved when the consumer deploys (after the producer). */
  useParameter(consumer: Stack, key: ParameterKey): string {
    if (consumer === this.producer) throw new Error(`${key} is local to ${consumer.stackName}; use the construct, not the parameter`);
    consumer.addStackDependency(this.producer);
    return StringParameter.valueForStringParameter(consumer, this.parameterName(key));
  }
}
