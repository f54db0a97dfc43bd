/**
 * Where Lethe's alarms go: one SNS topic the platform team subscribes to
 * (email, chat, paging). Every capability hands its alarms to `watch`, so a
 * new alarm can never be created without somewhere to send it.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface LetheAlarmsProps {
  /** An existing topic to notify. @default a new topic with its own key */
  readonly topic?: ITopic;
  /** Addresses to subscribe to the topic. @default none */
  readonly emails?: readonly string[];
}

export class LetheAlarms extends Construct {
  readonly topic: ITopic;
  /** Encrypts the topic Lethe creates; CloudWatch may use it to publish, nobody else needs to. Unset with a topic of your own. */
  readonly key?: Key;
  /** Every alarm handed to `watch`. */
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: LetheAlarmsProps = {}) {
    super(scope, id);
    if (props.topic !== undefined) {
      this.topic = props.topic;
    } else {
      // A customer managed key: SNS's AWS managed key (aws/sns) has a key policy
      // CloudWatch cannot use, so alarms to a topic encrypted with it never arrive.
      this.key = new Key(this, 'TopicKey', {
        description: 'Lethe alarm topic encryption',
        enableKeyRotation: true,
        // Only in-flight notifications were ever encrypted with it: nothing to keep.
        removalPolicy: RemovalPolicy.DESTROY,
      });
      this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
      this.topic = new Topic(this, 'Topic', {
        displayName: 'Lethe alarms',
        masterKey: this.key,
        enforceSSL: true,
      });
    }
    for (const email of props.emails ?? []) this.topic.addSubscription(new EmailSubscription(email));
  }

  /** Notifies the topic when the alarm fires and when it clears. */
  watch(alarm: Alarm): Alarm {
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  /**
   * A watched alarm that fires on the first message in a dead-letter queue:
   * something failed every retry and waits for an operator (I3).
   */
  whenDlqHasMessages(scope: Construct, id: string, dlq: IQueue, alarmDescription: string): Alarm {
    return this.watch(
      new Alarm(scope, id, {
        alarmDescription,
        metric: dlq.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
