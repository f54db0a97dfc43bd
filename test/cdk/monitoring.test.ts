/**
 * The alarms on the promises and the dashboard: each alarm found by its
 * metric, threshold and runbook text, the metrics in the namespace and
 * service the functions write, and the dashboard in the stack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS, METRICS_NAMESPACE } from '../../functions/core/metrics.ts';
import { PROJECT_ROOT } from '../../lib/lethe-function.ts';
import { RUNBOOKS } from '../../lib/promise-alarms.ts';
import { logicalIdOf, resourcesOf, synthLethe } from './synth.ts';

// Arrange (shared): one synth for the whole file.
const { stateless, statelessTemplate: template } = synthLethe();
const { lethe } = stateless;
const resources = resourcesOf(template);
const alarmOf = (construct: Parameters<typeof logicalIdOf>[0]) =>
  resources[logicalIdOf(construct)]!.Properties as Record<string, unknown>;
const service = lethe.serviceName;

describe('the promise alarms', () => {
  const alarms = lethe.promiseAlarms.alarms;

  it.each([
    ['sweepHeartbeat', METRICS.sweepRuns.name, 'Sum', 1, 'LessThanThreshold', 'breaching', 1800],
    [
      'overdueAccounts',
      METRICS.overdueAccounts.name,
      'Maximum',
      0,
      'GreaterThanThreshold',
      'notBreaching',
      900,
    ],
    [
      'overdueConfirmations',
      METRICS.overdueConfirmations.name,
      'Maximum',
      0,
      'GreaterThanThreshold',
      'notBreaching',
      900,
    ],
  ] as const)(
    '%s: Lethe/%s (%s) against %d, %s, missing data %s, period %d s',
    (key, metric, statistic, threshold, operator, missing, period) => {
      expect(alarmOf(alarms[key])).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: service }],
        Statistic: statistic,
        Period: period,
        Threshold: threshold,
        ComparisonOperator: operator,
        EvaluationPeriods: 1,
        TreatMissingData: missing,
        AlarmDescription: RUNBOOKS[key],
      });
    },
  );

  it.each([
    ['noticeQueueAge', () => lethe.notices.queue],
    ['exportQueueAge', () => lethe.export.exportQueue],
  ] as const)('%s: the queue’s oldest message at an hour', (key, queue) => {
    expect(alarmOf(alarms[key])).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(queue()), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 3600,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmDescription: RUNBOOKS[key],
    });
  });

  it('api5xxRate: 5xx over requests on this API’s stage, above 5% once there are 20 requests', () => {
    const alarm = alarmOf(alarms.api5xxRate);
    expect(alarm).toMatchObject({
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmDescription: RUNBOOKS.api5xxRate,
    });
    const queries = alarm.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string }[] } };
    }[];
    expect(queries.find((q) => q.Expression)?.Expression).toBe(
      'IF(requests >= 20, 100 * errors / requests, 0)',
    );
    expect(
      queries
        .filter((q) => q.MetricStat)
        .map((q) => [
          q.Id,
          q.MetricStat?.Metric.MetricName,
          q.MetricStat?.Metric.Dimensions.map((d) => d.Name),
        ]),
    ).toEqual(
      expect.arrayContaining([
        ['errors', '5xx', ['ApiId', 'Stage']],
        ['requests', 'Count', ['ApiId', 'Stage']],
      ]),
    );
  });

  it.each([
    ['sesBounceRate', 'Reputation.BounceRate', 0.05],
    ['sesComplaintRate', 'Reputation.ComplaintRate', 0.001],
  ] as const)('%s: SES %s above %d', (key, metric, threshold) => {
    expect(alarmOf(alarms[key])).toMatchObject({
      Namespace: 'AWS/SES',
      MetricName: metric,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmDescription: RUNBOOKS[key],
    });
  });

  it('each notifies the alarm topic when it fires and when it clears', () => {
    for (const alarm of Object.values(alarms)) {
      const props = alarmOf(alarm);
      expect(props.AlarmActions).toEqual([{ Ref: logicalIdOf(lethe.alarms.topic) }]);
      expect(props.OKActions).toEqual([{ Ref: logicalIdOf(lethe.alarms.topic) }]);
    }
  });

  it('each runbook says what to do, and docs/monitoring.md carries the same words', () => {
    const monitoring = readFileSync(join(PROJECT_ROOT, 'docs', 'monitoring.md'), 'utf8').replace(/\s+/g, ' ');
    for (const text of Object.values(RUNBOOKS)) {
      expect(text.length).toBeLessThanOrEqual(1024); // CloudWatch's limit on a description
      expect(monitoring).toContain(text);
    }
  });
});

describe('metrics and the dashboard', () => {
  it('every function writes metrics under this instance’s service name', () => {
    const functions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(10);
    for (const fn of functions) {
      expect(
        (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables
          .POWERTOOLS_SERVICE_NAME,
      ).toBe(service);
    }
  });

  it('is one dashboard with the funnel, the SLA line, the queues, notices, errors and cost', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const title of [
      'Lifecycle funnel',
      'Purge latency after purgeAfter vs SLA',
      'Dead-letter queues',
      'Notices sent',
      'Function errors',
      'Items deleted per store',
    ]) {
      expect(body).toContain(title);
    }
    expect(body).toContain('deletion SLA');
    expect(body).toContain('86400000'); // the default SLA, P1D, as the latency line
  });
});
