/**
 * Alarms that watch the promises themselves, not only the machinery: the
 * sweeper's heartbeat, accounts past their deletion SLA, processor
 * confirmations past their deadline (P5), notice and export backlogs, the
 * API's 5xx rate, and SES bounce and complaint rates. Each alarm's
 * description is its runbook: what it means, then what to do. The same text
 * is in docs/monitoring.md (a unit test holds the two together).
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { parseDuration } from '../functions/core/duration.ts';
import { METRICS, METRICS_NAMESPACE, type MetricKey } from '../functions/core/metrics.ts';
import type { LetheAlarms } from './alarms.ts';

/** Each alarm's description: what it means, then what to do. docs/monitoring.md carries the same words. */
export const RUNBOOKS = {
  sweepHeartbeat:
    'Lethe: no sweep has completed in two sweep intervals, so no purge is starting (P2). The schedule may be ' +
    'disabled or deleted, its role unable to invoke the sweeper, or every sweep failing. Check the sweep ' +
    "schedule is ENABLED, read the sweeper's logs and the sweep DLQ, fix the cause; the next sweep catches up.",
  overdueAccounts:
    'Lethe: an account is past purgeAfter plus the deletion SLA and is not purged (P2). Its purge is failing ' +
    '(a store refuses, a processor endpoint keeps failing) or was never claimed. Run `npx lethe list --overdue` ' +
    'to find it, `npx lethe status <id>` for the store that holds it back, fix that store or its grant, then ' +
    'redrive the purge DLQ.',
  overdueConfirmations:
    'Lethe: a processor has not confirmed a deletion by its deadline (P5). Run `npx lethe receipt <id>` for the ' +
    'overdue line, contact the processor, and have it POST its signed confirmation to ' +
    '/v1/processors/{name}/confirmations; record the follow-up in your DPA file.',
  noticeQueueAge:
    'Lethe: the oldest notice has waited over an hour: notices are failing and being retried, or SES is ' +
    "throttling (P6). Read the notice sender's logs, check the SES quota and identity (`npx lethe verify`), " +
    'fix the cause; queued notices go out by themselves.',
  exportQueueAge:
    'Lethe: the oldest export job has waited over an hour: exports are failing and being retried, or the ' +
    "worker cannot keep up (P7). Read the export worker's logs for the masked account, fix the cause; users " +
    'whose export fails can ask again.',
  api5xxRate:
    "Lethe: more than 5% of API requests answered 5xx over 5 minutes. Read the failing route's function logs " +
    "('Unhandled error') and its Lambda errors and throttles; roll back a bad deploy, or raise the account's " +
    'Lambda concurrency if throttled.',
  sesBounceRate:
    "Lethe: the SES account's bounce rate is over 5% (SES reviews sending at 5% and may pause it at 10%), so " +
    'notices may stop (P6). Check the profile store holds current addresses; bounced notices are marked ' +
    'BOUNCED and never retried. Ask SES support once the cause is fixed.',
  sesComplaintRate:
    "Lethe: the SES account's complaint rate is over 0.1% (SES reviews sending there and may pause it at " +
    '0.5%), so notices may stop (P6). Check notices go only to account owners, their wording and sender; ' +
    'complaints are marked COMPLAINED.',
} as const;

export type PromiseAlarm = keyof typeof RUNBOOKS;

export interface LethePromiseAlarmsProps {
  readonly alarms: LetheAlarms;
  /** The `service` dimension of this instance's metrics (POWERTOOLS_SERVICE_NAME). */
  readonly serviceName: string;
  /** The sweep interval (ISO-8601, whole minutes): the heartbeat allows two of them. */
  readonly sweepInterval: string;
  readonly noticeQueue: IQueue;
  readonly exportQueue: IQueue;
  readonly apiStage: HttpStage;
  /** @default Duration.hours(1) */
  readonly queueAgeThreshold?: Duration;
}

/** A Lethe metric of this instance, from the one catalogue (functions/core/metrics.ts). */
export const letheMetric = (
  serviceName: string,
  key: MetricKey,
  options: { statistic: string; period: Duration },
): Metric =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: METRICS[key].name,
    dimensionsMap: { service: serviceName },
    ...options,
  });

export class LethePromiseAlarms extends Construct {
  readonly alarms: Readonly<Record<PromiseAlarm, Alarm>>;

  constructor(scope: Construct, id: string, props: LethePromiseAlarmsProps) {
    super(scope, id);
    const { serviceName } = props;
    const sweepMinutes = Math.max(1, Math.round(parseDuration(props.sweepInterval) / 60_000));
    // A gauge is written once a sweep: its period spans a sweep, so each period has a datapoint.
    const gaugePeriod = Duration.minutes(sweepMinutes);
    const queueAge = props.queueAgeThreshold ?? Duration.hours(1);
    const alarm = (
      name: PromiseAlarm,
      id: string,
      metric: IMetric,
      threshold: number,
      comparisonOperator: ComparisonOperator,
      treatMissingData = TreatMissingData.NOT_BREACHING,
    ) =>
      props.alarms.watch(
        new Alarm(this, id, {
          alarmDescription: RUNBOOKS[name],
          metric,
          threshold,
          comparisonOperator,
          evaluationPeriods: 1,
          treatMissingData,
        }),
      );
    const queueAgeOf = (queue: IQueue) =>
      queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' });
    const ses = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
    const apiMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.apiStage.api.apiId, Stage: props.apiStage.stageName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });

    this.alarms = {
      // Missing data is the signal here: no datapoint means no sweep finished.
      sweepHeartbeat: alarm(
        'sweepHeartbeat',
        'SweepHeartbeatAlarm',
        letheMetric(serviceName, 'sweepRuns', {
          statistic: 'Sum',
          period: Duration.minutes(2 * sweepMinutes),
        }),
        1,
        ComparisonOperator.LESS_THAN_THRESHOLD,
        TreatMissingData.BREACHING,
      ),
      overdueAccounts: alarm(
        'overdueAccounts',
        'OverdueAccountsAlarm',
        letheMetric(serviceName, 'overdueAccounts', { statistic: 'Maximum', period: gaugePeriod }),
        0,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
      ),
      overdueConfirmations: alarm(
        'overdueConfirmations',
        'ProcessorConfirmationsOverdueAlarm',
        letheMetric(serviceName, 'overdueConfirmations', { statistic: 'Maximum', period: gaugePeriod }),
        0,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
      ),
      noticeQueueAge: alarm(
        'noticeQueueAge',
        'NoticeQueueAgeAlarm',
        queueAgeOf(props.noticeQueue),
        queueAge.toSeconds(),
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ),
      exportQueueAge: alarm(
        'exportQueueAge',
        'ExportQueueAgeAlarm',
        queueAgeOf(props.exportQueue),
        queueAge.toSeconds(),
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ),
      // A rate, and only once there are 20 requests in the window: one failed call at night is not 100%.
      api5xxRate: alarm(
        'api5xxRate',
        'Api5xxRateAlarm',
        new MathExpression({
          label: '5xx %',
          expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
          usingMetrics: { errors: apiMetric('5xx'), requests: apiMetric('Count') },
          period: Duration.minutes(5),
        }),
        5,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
      ),
      // SES's own reputation metrics: account-wide, the numbers SES acts on.
      sesBounceRate: alarm(
        'sesBounceRate',
        'SesBounceRateAlarm',
        ses('Reputation.BounceRate'),
        0.05,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
      ),
      sesComplaintRate: alarm(
        'sesComplaintRate',
        'SesComplaintRateAlarm',
        ses('Reputation.ComplaintRate'),
        0.001,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
      ),
    };
  }
}
