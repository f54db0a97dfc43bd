/**
 * Notices (P6): the notice queue with its DLQ and alarm, the SES
 * configuration set, and the sender function, allowed ses:SendEmail only
 * from the sender's identity and with that configuration set. SES's later
 * word on each notice (delivered, bounced, complained about) comes back
 * through the configuration set's event destination on EventBridge's default
 * bus, a rule that matches this configuration set only, a queue (DLQ, alarm)
 * and the feedback function (docs/monitoring.md, "Bounces and complaints").
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailSendingEvent,
  EventDestination,
  type IConfigurationSet,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LetheConfig } from '../functions/core/config-schema.ts';
import { senderDomain } from '../functions/core/notices.ts';
import { noticeQueue as noticeQueueDefinition } from '../functions/core/resources.ts';
import type { LetheAlarms } from './alarms.ts';
import { LetheFunction } from './lethe-function.ts';
import { queueSettingsOf, queueWithDlq } from './queues.ts';

/** The SES events Lethe reads, by their EventBridge detail-type (functions/core/ses-feedback.ts). */
export const SES_FEEDBACK_DETAIL_TYPES = ['Email Delivered', 'Email Bounced', 'Email Complaint Received'];

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
  /** Records SES's delivery, bounce and complaint events on the notices. */
  readonly feedback: LetheFunction;
  readonly feedbackQueue: Queue;
  readonly feedbackDlq: Queue;

  constructor(scope: Construct, id: string, props: LetheNoticesProps) {
    super(scope, id);
    const { config } = props;
    const notices = queueWithDlq(this, {
      id: 'NoticeQueue',
      ...queueSettingsOf(noticeQueueDefinition),
      dlq: {
        id: 'NoticeDlq',
        alarmId: 'NoticeDlqDepthAlarm',
        alarmDescription:
          'Lethe: a notice failed every retry and is in the notice DLQ (P6). Purges are not held up. Read the ' +
          "sender's logs, fix the cause (SES sending quota, identity), then redrive the DLQ.",
        alarms: props.alarms,
      },
    });
    this.queue = notices.queue;
    this.dlq = notices.dlq;
    this.dlqAlarm = notices.dlqAlarm;

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

    // SES's events for this configuration set: EventBridge's default bus (the only bus SES publishes
    // to), a rule that matches this set's events only, a queue that retries and keeps what fails.
    new ConfigurationSetEventDestination(this, 'FeedbackDestination', {
      configurationSet: this.configurationSet,
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.DELIVERY, EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    const feedback = queueWithDlq(this, {
      id: 'FeedbackQueue',
      visibilityTimeout: Duration.seconds(180),
      maxReceiveCount: 5,
      dlq: {
        id: 'FeedbackDlq',
        alarmId: 'FeedbackDlqDepthAlarm',
        alarmDescription:
          'Lethe: an SES delivery, bounce or complaint event could not be recorded after every retry and is in the ' +
          'notice feedback DLQ. A hard bounce missed here is still suppressed by SES itself. Read the feedback ' +
          "function's logs, fix the cause (the Accounts table, its permissions), then redrive the DLQ.",
        alarms: props.alarms,
      },
    });
    this.feedbackDlq = feedback.dlq;
    this.feedbackQueue = feedback.queue;
    new Rule(this, 'FeedbackRule', {
      description: "SES delivery, bounce and complaint events for Lethe's notices, to the feedback queue",
      eventPattern: {
        source: ['aws.ses'],
        detailType: SES_FEEDBACK_DETAIL_TYPES,
        detail: { mail: { tags: { 'ses:configuration-set': [this.configurationSet.configurationSetName] } } },
      },
      targets: [new SqsQueue(this.feedbackQueue, { deadLetterQueue: this.feedbackDlq })],
    });
    this.feedback = new LetheFunction(this, 'Feedback', {
      entry: 'functions/workers/notice-feedback.ts',
      description: 'Lethe notice feedback: SES deliveries, bounces and complaints recorded on the notices',
      timeout: Duration.seconds(30),
      logRetentionDays: config.logRetentionDays,
    }).useAccountsTable(props.accountsTable, 'notices');
    this.feedback.addEventSource(
      new SqsEventSource(this.feedbackQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
  }
}
