/**
 * Enforcement (P2, P3, P4, I3): the scheduled sweeper that claims due
 * accounts, the purge queue it fills, and the purge worker that deletes an
 * account from every store in the data map. Whatever cannot finish lands in
 * a dead-letter queue and raises an alarm; nothing is dropped silently.
 */
import { type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LetheConfig } from '../functions/core/config-schema.ts';
import { parseDuration } from '../functions/core/duration.ts';
import {
  noticeQueue as noticeQueueDefinition,
  purgeQueue as purgeQueueDefinition,
} from '../functions/core/resources.ts';
import type { LetheAlarms } from './alarms.ts';
import { LetheFunction } from './lethe-function.ts';
import { acknowledgeNag } from './nag.ts';
import { deadLetterQueue, queueSettingsOf, queueWithDlq } from './queues.ts';
import type { ExportsBucketRef } from './state.ts';

/** What SQS accepts as an event source's maximum concurrency. */
const CONCURRENCY_RANGE = { min: 2, max: 1000 } as const;

export interface LetheEnforcementProps {
  /** From the stateful stack. */
  readonly accountsTable: ITable;
  readonly auditTable: ITable;
  readonly subjectKey: ISecret;
  /** The purge deletes the account's exports too (I6). */
  readonly exportsTable: ITable;
  readonly exportsBucket: ExportsBucketRef;
  readonly config: LetheConfig;
  /** Where the capability's alarms notify. */
  readonly alarms: LetheAlarms;
  /** The sweeper enqueues due notices here (lib/notices.ts). */
  readonly noticeQueue: IQueue;
  /**
   * How old the oldest purge job may get before the backlog alarm fires. A
   * job retried with the visibility timeout (30 min) crosses the default
   * after its second failure, well before it would reach the DLQ.
   * @default Duration.hours(1)
   */
  readonly purgeBacklogAlarmAge?: Duration;
  /**
   * Retries when Scheduler cannot invoke the sweeper, and when a sweep
   * fails. A missed sweep is also made up by the next one.
   * @default 2
   */
  readonly sweepRetryAttempts?: number;
  /** @default Duration.hours(1) */
  readonly sweepMaxEventAge?: Duration;
}

/**
 * EventBridge Scheduler's own role for one schedule, trusted only from this
 * account's default schedule group (as the role LambdaInvoke would create),
 * kept in Lethe's code so its grants are in view.
 */
export const schedulerRole = (scope: Construct, id: string, description: string): Role => {
  const stack = Stack.of(scope);
  return new Role(scope, id, {
    description,
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({
            service: 'scheduler',
            resource: 'schedule-group',
            resourceName: 'default',
          }),
        },
      },
    }),
  });
};

/** The sweep interval as whole minutes, checked at synth: Scheduler's rates are in minutes. */
export const sweepRateMinutes = (sweepInterval: string): number => {
  const minutes = parseDuration(sweepInterval) / 60_000;
  if (!Number.isInteger(minutes) || minutes < 1) {
    throw new Error(`sweepInterval "${sweepInterval}" must be a whole number of minutes, at least PT1M`);
  }
  return minutes;
};

const checkConcurrency = (concurrency: number): number => {
  if (
    !Number.isInteger(concurrency) ||
    concurrency < CONCURRENCY_RANGE.min ||
    concurrency > CONCURRENCY_RANGE.max
  ) {
    throw new Error(
      `purgeConcurrency must be a whole number from ${CONCURRENCY_RANGE.min} to ${CONCURRENCY_RANGE.max} (SQS maximum concurrency), got ${concurrency}`,
    );
  }
  return concurrency;
};

export class LetheEnforcement extends Construct {
  /** Purge jobs: one message is one account's purge, or its next part. */
  readonly purgeQueue: Queue;
  /** Purge jobs that failed `maxReceiveCount` times. */
  readonly purgeDlq: Queue;
  readonly purgeWorker: LetheFunction;
  readonly sweeper: LetheFunction;
  readonly schedule: Schedule;
  /** What Scheduler assumes to invoke the sweeper. */
  readonly scheduleRole: Role;
  /** Sweeps Scheduler could not deliver, and sweeps that failed every retry. */
  readonly sweepDlq: Queue;
  readonly alarms: {
    readonly purgeDlqDepth: Alarm;
    readonly purgeBacklogAge: Alarm;
    readonly sweepDlqDepth: Alarm;
    readonly sweeperErrors: Alarm;
  };

  constructor(scope: Construct, id: string, props: LetheEnforcementProps) {
    super(scope, id);
    const { config, accountsTable, auditTable, subjectKey } = props;
    const sweepMinutes = sweepRateMinutes(config.sweepInterval);
    const concurrency = checkConcurrency(config.purgeConcurrency);

    // 1. The purge queue, its DLQ and the DLQ's alarm.
    const { alarms } = props;
    const purge = queueWithDlq(this, {
      id: 'PurgeQueue',
      ...queueSettingsOf(purgeQueueDefinition),
      dlq: {
        id: 'PurgeDlq',
        alarmId: 'PurgeDlqDepthAlarm',
        alarmDescription:
          'Lethe: a purge failed every retry and is in the purge DLQ. The account is PURGING and not yet ' +
          'gone (I3). Read the worker logs for the masked account, fix the cause, then redrive the DLQ.',
        alarms,
      },
    });
    this.purgeQueue = purge.queue;
    this.purgeDlq = purge.dlq;

    // 2. The purge worker: exactly the data map, the Accounts and Audit writes, its own queue and DLQ.
    this.purgeWorker = new LetheFunction(this, 'PurgeWorker', {
      entry: 'functions/workers/purge-worker.ts',
      description: 'Lethe purge worker: deletes a claimed account from every store in the data map',
      timeout: Duration.seconds(purgeQueueDefinition.consumerTimeoutSeconds),
      // Deletes are I/O bound, but the SDK's signing and JSON work is not: more memory, more CPU.
      memorySize: 512,
      logRetentionDays: config.logRetentionDays,
    })
      .useAccountsTable(accountsTable, 'purge')
      .useAuditTable(auditTable, 'purge', config.auditRetention)
      .useSubjectKey(subjectKey)
      // Continuations: a purge larger than one invocation re-enqueues itself.
      .useQueue(this.purgeQueue, purgeQueueDefinition)
      // The deletion receipt's notice, queued as the purge ends rather than at the next sweep.
      .useQueue(props.noticeQueue, noticeQueueDefinition)
      // A job whose body can never be read goes to the DLQ at once, not after five deliveries.
      .useDeadLetterQueue(this.purgeDlq, purgeQueueDefinition)
      .useDataMapForPurge(config.dataMap)
      // Lethe's own copies: the account's export records and archives.
      .useExportsTable(props.exportsTable, 'purge')
      .useExportsBucket(props.exportsBucket, 'purge');
    this.purgeWorker.addEventSource(
      new SqsEventSource(this.purgeQueue, {
        batchSize: purgeQueueDefinition.batchSize,
        // One failed account is retried alone; the rest of the batch is deleted from the queue.
        reportBatchItemFailures: true,
        // Caps the load purges put on the host app's stores, however deep the backlog.
        maxConcurrency: concurrency,
      }),
    );

    // 3. The sweeper, on an EventBridge Scheduler schedule.
    const sweepDlq = deadLetterQueue(this, {
      id: 'SweepDlq',
      alarmId: 'SweepDlqDepthAlarm',
      alarmDescription:
        'Lethe: a sweep could not be delivered or failed every retry. Due accounts wait for the next ' +
        'sweep; if this repeats, purges are not starting (P2).',
      alarms,
    });
    this.sweepDlq = sweepDlq.queue;
    acknowledgeNag(
      this.sweepDlq,
      'AwsSolutions-SQS3',
      "This queue is itself a dead-letter queue: the sweep schedule's (Scheduler DeadLetterConfig) and the " +
        "sweeper's async on-failure destination, which cdk-nag does not recognise as DLQ uses. Nothing " +
        'consumes it, so nothing can fail out of it; an alarm fires on its first message.',
    );
    const retryAttempts = props.sweepRetryAttempts ?? 2;
    const maxEventAge = props.sweepMaxEventAge ?? Duration.hours(1);
    this.sweeper = new LetheFunction(this, 'Sweeper', {
      entry: 'functions/workers/sweeper.ts',
      description: 'Lethe sweeper: claims accounts whose grace period has ended and enqueues their purges',
      // It checks its remaining time and stops early; the next sweep continues (the claims are durable).
      timeout: Duration.minutes(5),
      memorySize: 512,
      logRetentionDays: config.logRetentionDays,
    })
      .useAccountsTable(accountsTable, 'sweep')
      .useAuditTable(auditTable, 'append', config.auditRetention)
      .useSubjectKey(subjectKey)
      .useQueue(this.purgeQueue, purgeQueueDefinition)
      .useQueue(props.noticeQueue, noticeQueueDefinition);
    // Scheduler invokes asynchronously: its retry policy covers delivery, this covers the sweep failing.
    this.sweeper.configureAsyncInvoke({
      retryAttempts,
      maxEventAge,
      onFailure: new SqsDestination(this.sweepDlq),
    });
    const stack = Stack.of(this);
    this.scheduleRole = schedulerRole(
      this,
      'SweepScheduleRole',
      'Lethe sweep schedule: invokes the sweeper, sends undeliverable sweeps to its DLQ',
    );
    this.schedule = new Schedule(this, 'SweepSchedule', {
      description: `Lethe: sweep for accounts due for purge every ${sweepMinutes} min`,
      schedule: ScheduleExpression.rate(Duration.minutes(sweepMinutes)),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(this.sweeper, {
        role: this.scheduleRole,
        retryAttempts,
        maxEventAge,
        deadLetterQueue: this.sweepDlq,
      }),
    });
    const sweeperId = stack.getLogicalId(this.sweeper.node.defaultChild as CfnElement);
    acknowledgeNag(
      this.scheduleRole.node.findChild('DefaultPolicy'),
      `AwsSolutions-IAM5[Resource::<${sweeperId}.Arn>:*]`,
      'LambdaInvoke grants lambda:InvokeFunction on the sweeper and on its qualified ARNs (<arn>:*); the ' +
        "wildcard is that one function's versions and aliases, none of which Lethe publishes. The schedule " +
        'invokes the unqualified sweeper.',
    );

    // 4. Alarms: every queue's DLQ (above), a backlog that stops draining, and a failing sweeper.
    const backlogAge = props.purgeBacklogAlarmAge ?? Duration.hours(1);
    this.alarms = {
      purgeDlqDepth: purge.dlqAlarm,
      purgeBacklogAge: alarms.watch(
        new Alarm(this, 'PurgeBacklogAgeAlarm', {
          alarmDescription: `Lethe: the oldest purge job has waited more than ${backlogAge.toHumanString()}: purges are failing and being retried, or the workers cannot keep up.`,
          metric: this.purgeQueue.metricApproximateAgeOfOldestMessage({
            period: Duration.minutes(5),
            statistic: 'Maximum',
          }),
          threshold: backlogAge.toSeconds(),
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
      sweepDlqDepth: sweepDlq.alarm,
      sweeperErrors: alarms.watch(
        new Alarm(this, 'SweeperErrorsAlarm', {
          alarmDescription:
            'Lethe: the sweeper failed. Read its logs; due accounts wait until a sweep succeeds.',
          metric: this.sweeper.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
    };
  }
}
