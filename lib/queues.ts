/**
 * Lethe's queues, their defaults in one place: SQS-managed encryption at
 * rest (no key policy for Lambda, Scheduler or EventBridge to need), TLS
 * only, and the 14 days SQS keeps a message at most (the longest a failure
 * can wait for an operator). A work queue hands a message to its dead-letter
 * queue after `maxReceiveCount` receives, and every dead-letter queue has an
 * alarm on its first message (I3).
 *
 * Functions rather than a construct of their own: the queues and the alarm
 * are created in the caller's scope under the caller's ids, so their logical
 * IDs are those of stacks already deployed. A new logical ID would replace
 * the queue, and lose the messages waiting in it.
 */
import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type QueueDefinition, visibilityTimeoutSeconds } from '../functions/core/resources.ts';
import type { LetheAlarms } from './alarms.ts';

/** The longest SQS keeps a message. */
const MAX_RETENTION = Duration.days(14);

export const QUEUE_DEFAULTS = {
  encryption: QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
  retentionPeriod: MAX_RETENTION,
} as const;

export interface DeadLetterQueueProps {
  /** The queue's construct id. */
  readonly id: string;
  /** The alarm's construct id. */
  readonly alarmId: string;
  /** What the alarm means and what to do: its runbook (docs/monitoring.md has the same words). */
  readonly alarmDescription: string;
  readonly alarms: LetheAlarms;
}

export interface DeadLetterQueue {
  readonly queue: Queue;
  readonly alarm: Alarm;
}

/** A dead-letter queue and the watched alarm on its first message. */
export const deadLetterQueue = (scope: Construct, props: DeadLetterQueueProps): DeadLetterQueue => {
  const queue = new Queue(scope, props.id, QUEUE_DEFAULTS);
  const alarm = props.alarms.whenDlqHasMessages(scope, props.alarmId, queue, props.alarmDescription);
  return { queue, alarm };
};

export interface WorkQueueProps {
  /** The queue's construct id. */
  readonly id: string;
  /** Longer than the consumer may run, or a message is handed out twice at once. */
  readonly visibilityTimeout: Duration;
  /** Receives before a message goes to the dead-letter queue. */
  readonly maxReceiveCount: number;
  readonly dlq: DeadLetterQueueProps;
}

export interface WorkQueue {
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly dlqAlarm: Alarm;
}

/** A work queue, its dead-letter queue, and the DLQ's alarm. */
export const queueWithDlq = (scope: Construct, props: WorkQueueProps): WorkQueue => {
  const { queue: dlq, alarm: dlqAlarm } = deadLetterQueue(scope, props.dlq);
  const queue = new Queue(scope, props.id, {
    ...QUEUE_DEFAULTS,
    visibilityTimeout: props.visibilityTimeout,
    deadLetterQueue: { queue: dlq, maxReceiveCount: props.maxReceiveCount },
  });
  return { queue, dlq, dlqAlarm };
};

/** A work queue's settings from its definition (functions/core/resources.ts), which its consumer shares. */
export const queueSettingsOf = (
  definition: QueueDefinition,
): Pick<WorkQueueProps, 'visibilityTimeout' | 'maxReceiveCount'> => ({
  visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(definition)),
  maxReceiveCount: definition.maxReceiveCount,
});
