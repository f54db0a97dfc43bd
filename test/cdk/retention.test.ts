import type { Role } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import {
  RETENTION_INDEX,
  retentionLogGroups,
  retentionTasks,
  staticPrefix,
} from '../../functions/core/retention.ts';
import { config } from '../../lethe.config.ts';
import { prefixPatternOf } from '../../lib/data-map-grants.ts';
import {
  actionsOn,
  arnJson,
  grantsOf,
  logicalIdOf,
  resourcesOf,
  statementsOfRole,
  synthLethe,
} from './synth.ts';

// Arrange (shared): one synth for the whole file.
const { stateless, statelessTemplate: template } = synthLethe();
const resources = resourcesOf(template);
const retention = stateless.retention!;
const grants = grantsOf(statementsOfRole(resources, retention.sweeper.role as Role));
const tasks = retentionTasks(config.dataMap);

describe('retention (P9) in the stack', () => {
  it('runs the retention sweeper on its own schedule at the sweep interval, with the max lag it enforces', () => {
    const schedule = resources[logicalIdOf(retention.schedule)]!.Properties;
    expect(schedule.ScheduleExpression).toBe('rate(15 minutes)');
    expect((schedule.Target as { Arn: unknown }).Arn).toEqual({
      'Fn::GetAtt': [logicalIdOf(retention.sweeper), 'Arn'],
    });
    const env = (
      resources[logicalIdOf(retention.sweeper)]!.Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(env.LETHE_RETENTION_MAX_LAG).toBe('P1D');
    expect(env.LETHE_SWEEP_INTERVAL).toBe(config.sweepInterval);
  });

  it.each(tasks.filter((t) => t.store.kind !== 's3-prefix').map((t) => [t.store.name, t] as const))(
    'may Query only the lethe-retention index of %s and delete its items, nothing else there',
    (_name, task) => {
      const table = 'table' in task.store ? task.store.table : '';
      expect(actionsOn(grants, arnJson('dynamodb', `table/${table}/index/${RETENTION_INDEX}`))).toEqual([
        'dynamodb:Query',
      ]);
      expect(actionsOn(grants, arnJson('dynamodb', `table/${table}`))).toEqual(['dynamodb:DeleteItem']);
    },
  );

  it.each(tasks.filter((t) => t.store.kind === 's3-prefix').map((t) => [t.store.name, t] as const))(
    'may list and delete only under the %s prefix',
    (_name, task) => {
      if (task.store.kind !== 's3-prefix') throw new Error('an S3 task');
      const bucket = arnJson('s3', task.store.bucket, { regional: false });
      expect(grants.filter((g) => JSON.stringify(g.resource) === JSON.stringify(bucket))).toEqual([
        {
          action: 's3:ListBucket',
          resource: bucket,
          condition: { StringLike: { 's3:prefix': staticPrefix(task.store.prefix) } },
        },
      ]);
      const objects = arnJson('s3', `${task.store.bucket}/${prefixPatternOf(task.store)}*`, {
        regional: false,
      });
      expect(actionsOn(grants, objects)).toEqual(['s3:DeleteObject']);
    },
  );

  it('reads holds in batches, appends to the audit trail, and never scans', () => {
    const actions = grants.map((g) => g.action);
    expect(actions).toContain('dynamodb:BatchGetItem');
    expect(actions).toContain('dynamodb:PutItem');
    expect(actions).not.toContain('dynamodb:Scan');
    for (const g of grants) expect(g.action).not.toMatch(/\*/);
  });

  it('may read log group settings and set the retention of exactly the log groups the rules name', () => {
    expect(actionsOn(grants, arnJson('logs', 'log-group:*'))).toEqual(['logs:DescribeLogGroups']);
    for (const { group } of retentionLogGroups(config.dataMap)) {
      expect(actionsOn(grants, arnJson('logs', `log-group:${group}:*`))).toEqual(['logs:PutRetentionPolicy']);
    }
    expect(grants.filter((g) => g.action === 'logs:PutRetentionPolicy')).toHaveLength(
      retentionLogGroups(config.dataMap).length,
    );
  });

  it('alarms when the retention sweeper fails', () => {
    const alarm = resources[logicalIdOf(retention.sweeperErrors)]!.Properties;
    expect(alarm.MetricName).toBe('Errors');
    expect(alarm.Threshold).toBe(0);
  });
});
