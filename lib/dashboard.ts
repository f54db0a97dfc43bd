/**
 * One CloudWatch dashboard per Lethe instance: whether the promises are kept,
 * at a glance. Rows: the lifecycle funnel, purge latency against the
 * deletion SLA, backlog and dead-letter queues, notices, errors, and what
 * drives the cost. Every Lethe metric comes from the one catalogue
 * (functions/core/metrics.ts); per-store and per-kind series are found with
 * SEARCH, so a store added to the data map shows up without a deploy.
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type HorizontalAnnotation,
  type IMetric,
  MathExpression,
  SingleValueWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS, METRICS_NAMESPACE, type MetricKey } from '../functions/core/metrics.ts';
import { letheMetric } from './promise-alarms.ts';

export interface LetheDashboardProps {
  readonly dashboardName: string;
  readonly serviceName: string;
  /** The deletion SLA in milliseconds: the line purge latency is drawn against. */
  readonly slaMs: number;
  /** Queues by label, each with its DLQ. */
  readonly queues: readonly { readonly label: string; readonly queue: IQueue; readonly dlq: IQueue }[];
  readonly functions: readonly { readonly label: string; readonly fn: IFunction }[];
  readonly httpApi: HttpApi;
  readonly alarms: readonly Alarm[];
}

const FIVE_MINUTES = Duration.minutes(5);
const HOUR = Duration.hours(1);

export class LetheDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: LetheDashboardProps) {
    super(scope, id);
    const { serviceName } = props;
    const sum = (key: MetricKey, period = HOUR) =>
      letheMetric(serviceName, key, { statistic: 'Sum', period }).with({ label: METRICS[key].name });
    /** Every series of a metric by one dimension (store, kind, processor). */
    const byDimension = (key: MetricKey, dimension: string, period = HOUR): IMetric =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},service,${dimension}} MetricName="${METRICS[key].name}" service="${serviceName}"', 'Sum', ${period.toSeconds()})`,
        label: '',
        period,
      });
    const graph = (
      title: string,
      left: IMetric[],
      options: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {},
    ) => new GraphWidget({ title, left, width: 8, height: 6, ...options });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# Lethe\nEvery alarm below has its runbook in its description and in docs/monitoring.md. ' +
          '`npx lethe list --overdue` names the accounts behind **OverdueAccounts**.',
        width: 24,
        height: 2,
      }),
      new AlarmStatusWidget({ title: 'Promises', alarms: [...props.alarms], width: 24, height: 3 }),
    );
    // 1. The lifecycle funnel: deactivated → (restored | purged).
    this.dashboard.addWidgets(
      graph('Lifecycle funnel (per hour)', [
        sum('accountsDeactivated'),
        sum('accountsRestored'),
        sum('purgesClaimed'),
        sum('purgesStarted'),
        sum('purgesCompleted'),
      ]),
      graph('Holds and exports (per hour)', [
        sum('legalHoldsPlaced'),
        sum('legalHoldsReleased'),
        sum('exportsRequested'),
        sum('exportsCompleted'),
        sum('exportsFailed'),
      ]),
      new SingleValueWidget({
        title: 'Overdue now',
        metrics: [
          letheMetric(serviceName, 'overdueAccounts', { statistic: 'Maximum', period: FIVE_MINUTES }),
          letheMetric(serviceName, 'overdueConfirmations', { statistic: 'Maximum', period: FIVE_MINUTES }),
        ],
        width: 8,
        height: 6,
      }),
    );
    // 2. Purge latency (purgeAfter → tombstone) against the SLA.
    const latency = (statistic: string) =>
      letheMetric(serviceName, 'purgeLatency', { statistic, period: HOUR }).with({
        label: `latency ${statistic}`,
      });
    this.dashboard.addWidgets(
      graph(
        'Purge latency after purgeAfter vs SLA (ms)',
        [latency('p50'), latency('p99'), latency('Maximum')],
        {
          leftAnnotations: [{ value: props.slaMs, label: 'deletion SLA' } satisfies HorizontalAnnotation],
        },
      ),
      graph(
        'Purge duration (ms) and SLA misses',
        [letheMetric(serviceName, 'purgeDuration', { statistic: 'p99', period: HOUR })],
        { right: [sum('deletionSlaMissed'), sum('purgesFailed')] },
      ),
      graph('Processors: requests, confirmations', [
        byDimension('processorRequests', 'processor'),
        byDimension('processorConfirmations', 'processor'),
      ]),
    );
    // 3. Backlog and DLQs.
    this.dashboard.addWidgets(
      graph(
        'Queue age (s)',
        props.queues.map(({ label, queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum', label }),
        ),
      ),
      graph(
        'Queue depth',
        props.queues.map(({ label, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: 'Maximum',
            label,
          }),
        ),
      ),
      graph(
        'Dead-letter queues',
        props.queues.map(({ label, dlq }) =>
          dlq.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: 'Maximum',
            label: `${label} DLQ`,
          }),
        ),
      ),
    );
    // 4. Notices, by kind.
    this.dashboard.addWidgets(
      graph('Notices sent', [byDimension('noticesSent', 'kind')]),
      graph('Notices failed, bounced, complained', [
        byDimension('noticesFailed', 'kind'),
        byDimension('noticesBounced', 'kind'),
        byDimension('noticesComplained', 'kind'),
      ]),
      graph('Sweeps', [sum('sweepRuns'), sum('dueAccountsFound')]),
    );
    // 5. Errors, and 6. what drives the cost.
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        props.functions.map(({ label, fn }) => fn.metricErrors({ period: FIVE_MINUTES, label })),
        { width: 12 },
      ),
      graph(
        'API 4xx / 5xx',
        [
          props.httpApi.metricClientError({ period: FIVE_MINUTES }),
          props.httpApi.metricServerError({ period: FIVE_MINUTES }),
        ],
        { width: 12 },
      ),
    );
    this.dashboard.addWidgets(
      graph('Items deleted per store', [byDimension('itemsDeleted', 'store')], { width: 12 }),
      graph(
        'Worker duration (ms, sum: what Lambda bills)',
        props.functions.map(({ label, fn }) => fn.metricDuration({ period: HOUR, statistic: 'Sum', label })),
        { width: 12, right: [sum('exportBytes')] },
      ),
    );
  }
}
