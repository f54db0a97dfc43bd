/**
 * A log group's retention in CloudWatch Logs: read with DescribeLogGroups
 * (by name prefix, the exact name sorts first) and set with
 * PutRetentionPolicy. The retention sweeper and `lethe verify` both use it.
 */
import {
  type CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogGroupRetention } from '../retention/ports.ts';

export class CloudWatchLogRetention implements LogGroupRetention {
  constructor(private readonly client: CloudWatchLogsClient) {}

  async current(group: string): Promise<number | undefined | null> {
    const { logGroups } = await this.client.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: group, limit: 1 }),
    );
    const found = logGroups?.find((g) => g.logGroupName === group);
    return found === undefined ? null : found.retentionInDays;
  }

  async set(group: string, days: number): Promise<void> {
    await this.client.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: days }));
  }
}
