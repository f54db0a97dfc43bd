import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchLogRetention } from '../../../functions/adapters/cloudwatch-log-retention.ts';
import { holdLogRetention } from '../../../functions/retention/log-retention.ts';
import { config } from '../../../lethe.config.ts';

// No CloudWatch Logs stand-in runs locally: the adapter is checked against a mocked client.
const logs = mockClient(CloudWatchLogsClient);
const adapter = new CloudWatchLogRetention(new CloudWatchLogsClient({ region: 'us-east-1' }));
const GROUP = '/demo/app/access';

describe('CloudWatchLogRetention', () => {
  beforeEach(() => {
    logs.reset();
  });

  it('reads the exact group by prefix: its days, undefined when it never expires, null when absent', async () => {
    // Arrange
    logs
      .on(DescribeLogGroupsCommand, { logGroupNamePrefix: GROUP })
      .resolvesOnce({ logGroups: [{ logGroupName: GROUP, retentionInDays: 30 }] })
      .resolvesOnce({ logGroups: [{ logGroupName: GROUP }] })
      .resolvesOnce({ logGroups: [{ logGroupName: `${GROUP}-old`, retentionInDays: 1 }] });
    // Act, Assert
    expect(await adapter.current(GROUP)).toBe(30);
    expect(await adapter.current(GROUP)).toBeUndefined();
    expect(await adapter.current(GROUP)).toBeNull();
  });

  it('sets the retention with PutRetentionPolicy', async () => {
    logs.on(PutRetentionPolicyCommand).resolves({});
    await adapter.set(GROUP, 14);
    expect(logs.commandCalls(PutRetentionPolicyCommand)[0]?.args[0].input).toEqual({
      logGroupName: GROUP,
      retentionInDays: 14,
    });
  });

  it('passes an SDK failure on: the run fails and its alarm fires', async () => {
    logs
      .on(DescribeLogGroupsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(adapter.current(GROUP)).rejects.toThrow('denied');
  });
});

describe('holdLogRetention over the demo data map (access logs, 14 days)', () => {
  beforeEach(() => {
    logs.reset();
    logs.on(PutRetentionPolicyCommand).resolves({});
  });

  it.each([
    ['never expires', undefined, 'set', 'never'],
    ['keeps 30 days', 30, 'set', 30],
  ] as const)(
    'sets 14 days on a group that %s, and says what it found',
    async (_what, found, result, before) => {
      // Arrange
      logs
        .on(DescribeLogGroupsCommand)
        .resolves({ logGroups: [{ logGroupName: GROUP, retentionInDays: found }] });
      // Act
      const runs = await holdLogRetention(config.dataMap, adapter);
      // Assert
      expect(runs).toEqual([{ category: 'access-logs', group: GROUP, days: 14, result, before }]);
      expect(logs.commandCalls(PutRetentionPolicyCommand).map((c) => c.args[0].input)).toEqual([
        { logGroupName: GROUP, retentionInDays: 14 },
      ]);
    },
  );

  it.each([14, 7])('writes nothing to a group already within the window (%i days)', async (days) => {
    logs
      .on(DescribeLogGroupsCommand)
      .resolves({ logGroups: [{ logGroupName: GROUP, retentionInDays: days }] });
    const runs = await holdLogRetention(config.dataMap, adapter);
    expect(runs).toEqual([{ category: 'access-logs', group: GROUP, days: 14, result: 'kept', before: days }]);
    expect(logs.commandCalls(PutRetentionPolicyCommand)).toHaveLength(0);
  });

  it('reports a group that does not exist, and creates nothing', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    const runs = await holdLogRetention(config.dataMap, adapter);
    expect(runs).toEqual([{ category: 'access-logs', group: GROUP, days: 14, result: 'missing' }]);
    expect(logs.commandCalls(PutRetentionPolicyCommand)).toHaveLength(0);
  });
});
