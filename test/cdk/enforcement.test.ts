import type { Role } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { dynamoStores, s3Stores } from '../../functions/core/data-map.ts';
import {
  noticeQueue,
  purgeQueue,
  STACK_OUTPUTS,
  visibilityTimeoutSeconds,
} from '../../functions/core/resources.ts';
import { config, type LetheConfig } from '../../lethe.config.ts';
import { CONTEXT_KEYS, createApp } from '../../lib/app.ts';
import { prefixPatternOf } from '../../lib/data-map-grants.ts';
import {
  arnJson,
  type CfnResourceJson,
  type Grant,
  grantsOf,
  logicalIdOf,
  resourcesOf,
  statementsOfRole,
  synthLethe,
  testAppProps,
} from './synth.ts';

// Arrange (shared): one synth for the whole file.
const { stateless, statelessTemplate: template } = synthLethe();
const resources = resourcesOf(template);
const { enforcement, alarms } = stateless;
const { sweeper, purgeWorker } = enforcement;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const resourceOf = (construct: Parameters<typeof logicalIdOf>[0]): CfnResourceJson =>
  resources[logicalIdOf(construct)]!;
const arnOf = (construct: Parameters<typeof logicalIdOf>[0]) => ({
  'Fn::GetAtt': [logicalIdOf(construct), 'Arn'],
});
const refOf = (construct: Parameters<typeof logicalIdOf>[0]) => ({ Ref: logicalIdOf(construct) });
const workerGrants = grantsOf(statementsOfRole(resources, purgeWorker.role as Role));
const actionsOn = (grants: readonly Grant[], resource: unknown) =>
  grants
    .filter((g) => JSON.stringify(g.resource) === JSON.stringify(resource))
    .map((g) => g.action)
    .sort();

describe('the sweep schedule', () => {
  const [, schedule] = ofType('AWS::Scheduler::Schedule').find(
    ([id]) => id === logicalIdOf(enforcement.schedule),
  )!;
  const target = schedule.Properties.Target as Record<string, unknown>;

  it('is one EventBridge Scheduler schedule at the configured interval, on time', () => {
    // This one, and retention's (lib/retention.ts) at the same interval.
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    expect(config.sweepInterval).toBe('PT15M');
    expect(schedule.Properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect(schedule.Properties.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(schedule.Properties.State).toBe('ENABLED');
  });

  it('invokes the sweeper', () => {
    expect(target.Arn).toEqual(arnOf(sweeper));
  });

  it('retries twice within an hour, then sends the sweep to its own DLQ', () => {
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
    expect(target.DeadLetterConfig).toEqual({ Arn: arnOf(enforcement.sweepDlq) });
  });

  it("runs as a role only Scheduler in this account's default group may assume", () => {
    expect(target.RoleArn).toEqual(arnOf(enforcement.scheduleRole));
    const trust = resourceOf(enforcement.scheduleRole).Properties.AssumeRolePolicyDocument as {
      Statement: { Principal: unknown; Condition: { StringEquals: Record<string, unknown> } }[];
    };
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]!.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(trust.Statement[0]!.Condition.StringEquals['aws:SourceAccount']).toEqual({
      Ref: 'AWS::AccountId',
    });
    expect(trust.Statement[0]!.Condition.StringEquals['aws:SourceArn']).toEqual(
      arnJson('scheduler', 'schedule-group/default'),
    );
  });

  it('whose role may only invoke the sweeper and send to the sweep DLQ', () => {
    const grants = grantsOf(statementsOfRole(resources, enforcement.scheduleRole));
    expect(grants.map((g) => `${g.action} ${JSON.stringify(g.resource)}`).sort()).toEqual(
      [
        `lambda:InvokeFunction ${JSON.stringify(arnOf(sweeper))}`,
        `lambda:InvokeFunction ${JSON.stringify({ 'Fn::Join': ['', [arnOf(sweeper), ':*']] })}`,
        `sqs:SendMessage ${JSON.stringify(arnOf(enforcement.sweepDlq))}`,
      ].sort(),
    );
  });

  it('sends a sweep that failed every async retry to the same DLQ', () => {
    const [, invokeConfig] = ofType('AWS::Lambda::EventInvokeConfig').find(
      ([, r]) => JSON.stringify(r.Properties.FunctionName) === JSON.stringify(refOf(sweeper)),
    )!;
    expect(invokeConfig.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: arnOf(enforcement.sweepDlq) } },
    });
  });

  it('gives the sweeper five minutes', () => {
    expect(resourceOf(sweeper).Properties.Timeout).toBe(300);
  });
});

describe('the purge queue', () => {
  const queue = () => resourceOf(enforcement.purgeQueue).Properties;

  it('is encrypted at rest (SSE-SQS)', () => {
    expect(queue().SqsManagedSseEnabled).toBe(true);
  });

  it('hides a message for six times the worker timeout: 1800 s', () => {
    expect(queue().VisibilityTimeout).toBe(visibilityTimeoutSeconds(purgeQueue));
    expect(queue().VisibilityTimeout).toBe(1800);
    expect(resourceOf(purgeWorker).Properties.Timeout).toBe(purgeQueue.consumerTimeoutSeconds);
  });

  it('moves a job to its DLQ after 5 receives', () => {
    expect(queue().RedrivePolicy).toEqual({
      deadLetterTargetArn: arnOf(enforcement.purgeDlq),
      maxReceiveCount: purgeQueue.maxReceiveCount,
    });
    expect(purgeQueue.maxReceiveCount).toBe(5);
  });

  it('keeps jobs, and failed jobs, for 14 days', () => {
    expect(queue().MessageRetentionPeriod).toBe(1_209_600);
    expect(resourceOf(enforcement.purgeDlq).Properties.MessageRetentionPeriod).toBe(1_209_600);
  });

  it.each([
    ['purge DLQ', enforcement.purgeDlq],
    ['sweep DLQ', enforcement.sweepDlq],
  ] as const)('encrypts the %s the same way', (_name, dlq) => {
    expect(resourceOf(dlq).Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('refuses plain HTTP on every queue', () => {
    const queues = ofType('AWS::SQS::Queue').map(([id]) => id);
    // Purge queue and DLQ, sweep DLQ, notice queue and DLQ, notice feedback queue and DLQ, export queue and DLQ;
    // events DLQ, sign-in queue and DLQ.
    expect(queues).toHaveLength(12);
    for (const id of queues) {
      const policy = ofType('AWS::SQS::QueuePolicy').find(([, p]) =>
        JSON.stringify(p.Properties.Queues).includes(`"${id}"`),
      );
      expect(policy, id).toBeDefined();
      expect(JSON.stringify(policy![1].Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });
});

describe('the purge worker', () => {
  const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(
    ([, m]) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify(refOf(purgeWorker)),
  )!;

  it('consumes the purge queue in batches of 5, reporting failures per message', () => {
    // The purge worker's, the notice sender's and the export worker's.
    // Purge, notice, notice feedback, export queues; the outbox stream; the sign-in queue.
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 6);
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: arnOf(enforcement.purgeQueue),
      FunctionName: refOf(purgeWorker),
      BatchSize: purgeQueue.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('runs at most purgeConcurrency at once', () => {
    expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: config.purgeConcurrency });
  });

  it('has 512 MB', () => {
    expect(resourceOf(purgeWorker).Properties.MemorySize).toBe(512);
  });

  it('may consume and continue on its own queue, and only send to its DLQ and the notice queue', () => {
    const sqs = workerGrants.filter((g) => g.action.startsWith('sqs:'));
    expect(new Set(sqs.map((g) => JSON.stringify(g.resource)))).toEqual(
      new Set([
        JSON.stringify(arnOf(enforcement.purgeQueue)),
        JSON.stringify(arnOf(enforcement.purgeDlq)),
        JSON.stringify(arnOf(stateless.notices.queue)),
      ]),
    );
    // The deletion receipt's notice, queued as the purge ends: SendMessage there, nothing more.
    expect(actionsOn(workerGrants, arnOf(stateless.notices.queue))).toEqual(['sqs:SendMessage']);
    expect(resourceOf(purgeWorker).Properties.Environment).toMatchObject({
      Variables: { [noticeQueue.env]: refOf(stateless.notices.queue) },
    });
    // An unreadable job goes to the DLQ at once: SendMessage there, nothing more.
    expect(actionsOn(workerGrants, arnOf(enforcement.purgeDlq))).toEqual(['sqs:SendMessage']);
    expect(actionsOn(workerGrants, arnOf(enforcement.purgeQueue))).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
  });
});

describe('the purge worker and the data map', () => {
  const tableArn = (table: string) => arnJson('dynamodb', `table/${table}`);

  it.each(dynamoStores(config.dataMap).map((s) => [s.name, s] as const))(
    'may Query and BatchWriteItem the %s store, and nothing else on it',
    (_name, store) => {
      if (store.kind === 'dynamodb-partition') {
        expect(actionsOn(workerGrants, tableArn(store.table))).toEqual([
          'dynamodb:BatchWriteItem',
          'dynamodb:Query',
        ]);
      } else {
        expect(actionsOn(workerGrants, tableArn(store.table))).toEqual([
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
        ]);
        expect(actionsOn(workerGrants, tableArn(`${store.table}/index/${store.index}`))).toEqual([
          'dynamodb:Query',
        ]);
      }
    },
  );

  it.each(s3Stores(config.dataMap).map((s) => [s.name, s] as const))(
    'may list and delete only under the %s prefix',
    (_name, store) => {
      const bucket = arnJson('s3', store.bucket, { regional: false });
      const objects = arnJson('s3', `${store.bucket}/${prefixPatternOf(store)}*`, { regional: false });
      const pattern = store.prefix.replace('{accountId}', '*');
      expect(prefixPatternOf(store)).toBe(pattern);
      const listing = workerGrants.filter((g) => JSON.stringify(g.resource) === JSON.stringify(bucket));
      expect(listing).toEqual([
        {
          action: 's3:ListBucket',
          resource: bucket,
          condition: { StringLike: { 's3:prefix': pattern } },
        },
      ]);
      expect(actionsOn(workerGrants, objects)).toEqual(['s3:DeleteObject']);
    },
  );

  it('has no S3 or data-map DynamoDB grant beyond those and the exports, and no service wildcard', () => {
    const s3 = workerGrants
      .filter((g) => g.action.startsWith('s3:') && !JSON.stringify(g.resource).includes('-exports-'))
      .map((g) => g.action);
    expect([...new Set(s3)].sort()).toEqual(['s3:DeleteObject', 's3:ListBucket']);
    for (const grant of workerGrants) {
      expect(grant.action).not.toMatch(/\*/);
      expect(grant.action).not.toBe('dynamodb:Scan');
    }
  });

  it('also lists and deletes versions for a versioned store, and nothing more', () => {
    // Arrange
    const versioned: LetheConfig = {
      ...config,
      dataMap: {
        ...config.dataMap,
        stores: config.dataMap.stores.map((s) => (s.kind === 's3-prefix' ? { ...s, versioned: true } : s)),
      },
    };
    // Act
    const { stateless: other, statelessTemplate } = synthLethe({}, { config: versioned, nag: false });
    // Assert
    const grants = grantsOf(
      statementsOfRole(resourcesOf(statelessTemplate), other.enforcement.purgeWorker.role as Role),
    );
    expect(
      grants
        .filter((g) => g.action.startsWith('s3:') && !JSON.stringify(g.resource).includes('-exports-'))
        .map((g) => g.action)
        .filter((action, i, all) => all.indexOf(action) === i)
        .sort(),
    ).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucket', 's3:ListBucketVersions']);
  });

  it("deletes the account's export records and archives too (I6), and nothing else of the exports", () => {
    const archives = workerGrants.filter((g) => JSON.stringify(g.resource).includes('-exports-'));
    expect(archives.map((g) => g.action).sort()).toEqual(['s3:DeleteObject', 's3:ListBucket']);
    expect(JSON.stringify(archives.find((g) => g.action === 's3:DeleteObject')?.resource)).toContain(
      '/exports/*/*',
    );
    expect(archives.find((g) => g.action === 's3:ListBucket')?.condition).toEqual({
      StringLike: { 's3:prefix': 'exports/*/' },
    });
    const exportsTableGrants = workerGrants
      .filter((g) => JSON.stringify(g.resource).includes('Exports'))
      .map((g) => g.action)
      .sort();
    expect(exportsTableGrants).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:Query']);
    const env = (resourceOf(purgeWorker).Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env).toHaveProperty('EXPORTS_TABLE');
    expect(env).toHaveProperty('EXPORTS_BUCKET');
  });
});

describe('alarms', () => {
  const alarmResources = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
  const alarmOn = (metric: string, queue: Queue) =>
    alarmResources.filter(
      (a) =>
        a.MetricName === metric &&
        JSON.stringify(a.Dimensions) ===
          JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] } }]),
    );

  it.each([
    ['purge DLQ', enforcement.purgeDlq],
    ['sweep DLQ', enforcement.sweepDlq],
  ] as const)('fires on the first message in the %s', (_name, dlq) => {
    const [alarm] = alarmOn('ApproximateNumberOfMessagesVisible', dlq);
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
    });
  });

  it('fires when the oldest purge job is an hour old', () => {
    const [alarm] = alarmOn('ApproximateAgeOfOldestMessage', enforcement.purgeQueue);
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 3600,
    });
  });

  it('takes the backlog age from context', () => {
    // Act
    const { statelessTemplate, stateless: other } = synthLethe(
      { [CONTEXT_KEYS.purgeBacklogAlarmMinutes]: '20' },
      { nag: false },
    );
    // Assert
    const [alarm] = Object.values(resourcesOf(statelessTemplate)).filter(
      (r) =>
        r.Type === 'AWS::CloudWatch::Alarm' &&
        JSON.stringify(r.Properties.Dimensions ?? []).includes(logicalIdOf(other.enforcement.purgeQueue)),
    );
    expect(alarm!.Properties.Threshold).toBe(1200);
  });

  it('fires when the sweeper fails', () => {
    const [alarm] = alarmResources.filter(
      (a) => a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes(logicalIdOf(sweeper)),
    );
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('has every queue without a redrive policy watched by a depth alarm (every queue has a DLQ with an alarm)', () => {
    for (const [id, queue] of ofType('AWS::SQS::Queue')) {
      if (queue.Properties.RedrivePolicy !== undefined) continue;
      const watched = alarmResources.some(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Dimensions).includes(`"${id}"`),
      );
      expect(watched, id).toBe(true);
    }
  });

  it('notifies the alarm topic when each alarm fires and clears', () => {
    // Four of enforcement, the notice DLQ's, the notice feedback DLQ's, the export DLQ's; the events DLQ's, the
    // publisher's lag, the sign-in DLQ's; the retention sweeper's; and the eight on the promises (monitoring.test.ts).
    expect(alarmResources).toHaveLength(19);
    for (const alarm of alarmResources) {
      expect(alarm.AlarmActions).toEqual([refOf(alarms.topic)]);
      expect(alarm.OKActions).toEqual([refOf(alarms.topic)]);
    }
  });

  it('encrypts the topic with a rotating key CloudWatch may use, and refuses plain HTTP', () => {
    const topic = resourceOf(alarms.topic).Properties;
    expect(topic.KmsMasterKeyId).toEqual(arnOf(alarms.key!));
    const key = resourceOf(alarms.key!).Properties;
    expect(key.EnableKeyRotation).toBe(true);
    expect(JSON.stringify(key.KeyPolicy)).toContain('"Service":"cloudwatch.amazonaws.com"');
    const [, policy] = ofType('AWS::SNS::TopicPolicy')[0]!;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });
});

describe('stateless outputs', () => {
  it('names the API and queue outputs as the operator CLI expects (STACK_OUTPUTS)', () => {
    template.hasOutput(STACK_OUTPUTS.apiUrl, {});
    template.hasOutput(STACK_OUTPUTS.purgeQueueUrl, { Value: refOf(enforcement.purgeQueue) });
    template.hasOutput(STACK_OUTPUTS.purgeDlqUrl, { Value: refOf(enforcement.purgeDlq) });
    // `lethe sweep --yes` enqueues due notices; `lethe dlq --queue notices|export` reads these DLQs
    template.hasOutput(STACK_OUTPUTS.noticeQueueUrl, { Value: refOf(stateless.notices.queue) });
    template.hasOutput(STACK_OUTPUTS.noticeDlqUrl, { Value: refOf(stateless.notices.dlq) });
    template.hasOutput(STACK_OUTPUTS.exportQueueUrl, { Value: refOf(stateless.export.exportQueue) });
    template.hasOutput(STACK_OUTPUTS.exportDlqUrl, { Value: refOf(stateless.export.exportDlq) });
  });

  it('outputs the alarm topic to subscribe to', () => {
    template.hasOutput('AlarmTopicArn', { Value: refOf(alarms.topic) });
  });
});

describe('enforcement settings', () => {
  it.each([
    [
      'a sweep interval in seconds',
      { sweepInterval: 'PT90S' },
      'Lethe: sweepInterval: must be a whole number of minutes',
    ],
    [
      'a sweep interval under a minute',
      { sweepInterval: 'PT30S' },
      'Lethe: sweepInterval: must be a whole number of minutes',
    ],
    [
      'a purge concurrency of 1',
      { purgeConcurrency: 1 },
      'Lethe: purgeConcurrency: must be a whole number from 2',
    ],
    ['a fractional purge concurrency', { purgeConcurrency: 2.5 }, 'Lethe: purgeConcurrency:'],
  ])('refuses %s at synth, in one line on the Lethe construct', (_name, change, message) => {
    // Arrange
    const { app, stateless: other } = createApp({
      appProps: testAppProps(),
      config: { ...config, ...change },
      nag: false,
    });
    // Act / Assert
    expect(() => app.synth()).toThrow(message);
    const errors = other.lethe.node.metadata.filter((m) => m.type === 'aws:cdk:error');
    expect(errors.map((e) => String(e.data))).toEqual([expect.stringContaining(message)]);
    expect(String(errors[0]!.data)).not.toContain('\n');
  });
});
