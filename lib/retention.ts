/**
 * Retention (P9): the retention sweeper on the sweep schedule, allowed to
 * read the `lethe-retention` index and delete items of exactly the tables
 * and prefixes the rules name, to read holds, and to append to the audit
 * trail, and to hold the rules' log groups to their windows. What AWS
 * expires by itself (TTL, lifecycle rules) is set in lib/retention-expiry.ts.
 */
import { ArnFormat, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { LetheConfig } from '../functions/core/config-schema.ts';
import {
  DEFAULT_MAX_LAG,
  RETENTION_INDEX,
  retentionLogGroups,
  retentionTasks,
  staticPrefix,
} from '../functions/core/retention.ts';
import type { LetheAlarms } from './alarms.ts';
import { bucketArnOf, indexArnOf, objectsArnOf, s3WildcardFindings, tableArnOf } from './data-map-grants.ts';
import { schedulerRole, sweepRateMinutes } from './enforcement.ts';
import { LetheFunction } from './lethe-function.ts';
import { acknowledgeNag, nagTextOf } from './nag.ts';

/** A log group as CloudWatch Logs policies name it: `<name>:*` is the group (and its streams), `*` all groups. */
export const logGroupArnOf = (scope: Construct, name: string): string =>
  Stack.of(scope).formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

export interface LetheRetentionProps {
  readonly accountsTable: ITable;
  readonly auditTable: ITable;
  readonly subjectKey: ISecret;
  readonly config: LetheConfig;
  readonly alarms: LetheAlarms;
}

export class LetheRetention extends Construct {
  readonly sweeper: LetheFunction;
  readonly schedule: Schedule;
  readonly scheduleRole: Role;
  readonly sweeperErrors: Alarm;

  constructor(scope: Construct, id: string, props: LetheRetentionProps) {
    super(scope, id);
    const { config } = props;
    const tasks = retentionTasks(config.dataMap);
    const sweepMinutes = sweepRateMinutes(config.sweepInterval);

    // 1. The retention sweeper: the rules' stores, the holds, the audit trail; nothing wider.
    this.sweeper = new LetheFunction(this, 'RetentionSweeper', {
      entry: 'functions/workers/retention-sweeper.ts',
      description:
        'Lethe retention sweeper: deletes what is past its category window (P9), keeps what holds cover',
      timeout: Duration.minutes(5),
      memorySize: 512,
      logRetentionDays: config.logRetentionDays,
      environment: {
        LETHE_RETENTION_MAX_LAG: config.retentionMaxLag ?? DEFAULT_MAX_LAG,
        LETHE_SWEEP_INTERVAL: config.sweepInterval,
      },
    })
      .useAccountsTable(props.accountsTable, 'holds')
      .useAuditTable(props.auditTable, 'append', config.auditRetention)
      .useSubjectKey(props.subjectKey);
    for (const task of tasks) {
      const { store } = task;
      if (store.kind === 's3-prefix') {
        this.sweeper.addToRolePolicy(
          new PolicyStatement({
            actions: store.versioned ? ['s3:ListBucket', 's3:ListBucketVersions'] : ['s3:ListBucket'],
            resources: [bucketArnOf(this, store.bucket)],
            conditions: { StringLike: { 's3:prefix': staticPrefix(store.prefix) } },
          }),
        );
        this.sweeper.addToRolePolicy(
          new PolicyStatement({
            actions: store.versioned ? ['s3:DeleteObject', 's3:DeleteObjectVersion'] : ['s3:DeleteObject'],
            resources: [objectsArnOf(this, store)],
          }),
        );
      } else {
        this.sweeper.addToRolePolicy(
          new PolicyStatement({
            actions: ['dynamodb:Query'],
            resources: [indexArnOf(this, store.table, RETENTION_INDEX)],
          }),
        );
        this.sweeper.addToRolePolicy(
          new PolicyStatement({
            actions: ['dynamodb:DeleteItem'],
            resources: [tableArnOf(this, store.table)],
          }),
        );
      }
    }

    // Log groups: read every group's retention (DescribeLogGroups is granted on the account's
    // log groups, not on names), set it only on the groups the rules name.
    const groups = [...new Set(retentionLogGroups(config.dataMap).map((g) => g.group))];
    if (groups.length > 0) {
      this.sweeper.addToRolePolicy(
        new PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: [logGroupArnOf(this, '*')] }),
      );
      this.sweeper.addToRolePolicy(
        new PolicyStatement({
          actions: ['logs:PutRetentionPolicy'],
          resources: groups.map((group) => logGroupArnOf(this, `${group}:*`)),
        }),
      );
    }

    const policy = (this.sweeper.role as Role).node.findChild('DefaultPolicy');
    const s3Rules = {
      ...config.dataMap,
      stores: tasks.flatMap((t) => (t.store.kind === 's3-prefix' ? [t.store] : [])),
    };
    if (groups.length > 0) {
      acknowledgeNag(
        policy,
        `AwsSolutions-IAM5[Resource::${nagTextOf(this, logGroupArnOf(this, '*'))}]`,
        'DescribeLogGroups reads log group settings (names, retention), never log events, and IAM checks it ' +
          "against the account's log groups, not a name: the retention sweeper reads the groups the rules name.",
      );
      for (const group of groups) {
        acknowledgeNag(
          policy,
          `AwsSolutions-IAM5[Resource::${nagTextOf(this, logGroupArnOf(this, `${group}:*`))}]`,
          `PutRetentionPolicy on log group ${group}, named by a retention rule: CloudWatch Logs policies name a ` +
            'log group as <name>:*, which covers only that group and its streams.',
        );
      }
    }
    for (const { store, finding } of s3WildcardFindings(this, s3Rules)) {
      acknowledgeNag(
        policy,
        finding,
        `Retention deletes objects past their window under store "${store.name}"'s prefix (${store.prefix}), ` +
          "in every account's folder; the grant is that prefix from the data map: no other part of the bucket.",
      );
    }

    // 2. On the sweep schedule, as the sweeper: a missed run is made up by the next one.
    const stack = Stack.of(this);
    this.scheduleRole = schedulerRole(
      this,
      'RetentionScheduleRole',
      'Lethe retention schedule: invokes the retention sweeper',
    );
    this.schedule = new Schedule(this, 'RetentionSchedule', {
      description: `Lethe: delete what is past its retention window every ${sweepMinutes} min`,
      schedule: ScheduleExpression.rate(Duration.minutes(sweepMinutes)),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(this.sweeper, { role: this.scheduleRole, retryAttempts: 2 }),
    });
    const sweeperId = stack.getLogicalId(this.sweeper.node.defaultChild as CfnElement);
    acknowledgeNag(
      this.scheduleRole.node.findChild('DefaultPolicy'),
      `AwsSolutions-IAM5[Resource::<${sweeperId}.Arn>:*]`,
      'LambdaInvoke grants lambda:InvokeFunction on the retention sweeper and on its qualified ARNs ' +
        "(<arn>:*); the wildcard is that one function's versions and aliases, none of which Lethe publishes.",
    );
    this.sweeperErrors = props.alarms.watch(
      new Alarm(this, 'RetentionSweeperErrorsAlarm', {
        alarmDescription:
          'Lethe: the retention sweeper failed. Items past their window wait for a run that succeeds (P9); ' +
          'read its logs.',
        metric: this.sweeper.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
