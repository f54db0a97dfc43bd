/**
 * Notices (P6): the notice queue with its DLQ and alarm, the SES
 * configuration set, and the sender function, allowed ses:SendEmail only
 * from the sender's identity and with that configuration set.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, type IConfigurationSet, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LetheConfig } from '../functions/core/config-schema.ts';
import { senderDomain } from '../functions/core/notices.ts';
import {
  noticeQueue as noticeQueueDefinition,
  visibilityTimeoutSeconds,
} from '../functions/core/resources.ts';
import type { LetheAlarms } from './alarms.ts';
import { LetheFunction } from './lethe-function.ts';

export interface LetheNoticesProps {
  readonly accountsTable: ITable;
  readonly auditTable: ITable;
  readonly subjectKey: ISecret;
  readonly config: LetheConfig;
  readonly alarms: LetheAlarms;
  /** Where restore links point: the API's URL, or the config's public URL in front of it. */
  readonly publicUrl: string;
  /** @default a new one named `config.notices.configurationSet` */
  readonly configurationSet?: IConfigurationSet;
  /** The SES identity notices are sent from. @default the sender address's domain */
  readonly identity?: string;
}

/** Defined beside the notice rules, so the operator CLI's verify reads the identity without loading CDK. */
export { senderDomain };

export class LetheNotices extends Construct {
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly sender: LetheFunction;
  readonly configurationSet: IConfigurationSet;
  readonly dlqAlarm: Alarm;

  constructor(scope: Construct, id: string, props: LetheNoticesProps) {
    super(scope, id);
    const { config } = props;
    const queueDefaults = {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    } as const;
    this.dlq = new Queue(this, 'NoticeDlq', queueDefaults);
    this.queue = new Queue(this, 'NoticeQueue', {
      ...queueDefaults,
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(noticeQueueDefinition)),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: noticeQueueDefinition.maxReceiveCount },
    });

    // Bounces and complaints put addresses on the account's suppression list; SES then drops
    // mail to them, and the sender records a refusal without ever holding up a purge.
    this.configurationSet =
      props.configurationSet ??
      new ConfigurationSet(this, 'ConfigurationSet', {
        configurationSetName: config.notices.configurationSet,
        suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      });

    this.sender = new LetheFunction(this, 'Sender', {
      entry: 'functions/workers/notice-sender.ts',
      description:
        'Lethe notice sender: deactivation notices, reminders and deletion receipts, each at most once',
      timeout: Duration.seconds(noticeQueueDefinition.consumerTimeoutSeconds),
      logRetentionDays: config.logRetentionDays,
    })
      .useAccountsTable(props.accountsTable, 'notices')
      .useAuditTable(props.auditTable, 'none', config.auditRetention)
      .useSubjectKey(props.subjectKey)
      .useProfileStore(config.dataMap)
      // A message whose body can never be read goes to the DLQ at once, not after five deliveries.
      .useDeadLetterQueue(this.dlq, noticeQueueDefinition);
    const stack = Stack.of(this);
    this.sender.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({
            service: 'ses',
            resource: 'identity',
            resourceName: props.identity ?? senderDomain(config.notices.sender),
          }),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            // The name as configured, not the resource's Ref, so the ARN reads plainly in the policy.
            resourceName: config.notices.configurationSet,
          }),
        ],
      }),
    );
    this.sender.addEnvironment('LETHE_NOTICE_SENDER', config.notices.sender);
    this.sender.addEnvironment('LETHE_SES_CONFIGURATION_SET', config.notices.configurationSet);
    this.sender.node.addDependency(this.configurationSet);
    this.sender.addEnvironment('LETHE_PUBLIC_URL', props.publicUrl);
    this.sender.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: noticeQueueDefinition.batchSize,
        reportBatchItemFailures: true,
      }),
    );

    this.dlqAlarm = props.alarms.whenDlqHasMessages(
      this,
      'NoticeDlqDepthAlarm',
      this.dlq,
      'Lethe: a notice failed every retry and is in the notice DLQ (P6). Purges are not held up. Read the ' +
        "sender's logs, fix the cause (SES sending quota, identity), then redrive the DLQ.",
    );
  }
}
