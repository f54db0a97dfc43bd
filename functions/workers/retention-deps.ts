/** The retention sweeper's adapters and settings, wired once per container at cold start. */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';
import { CloudWatchLogRetention } from '../adapters/cloudwatch-log-retention.ts';
import { DynamoHolds } from '../adapters/dynamo-holds.ts';
import { DynamoRetention } from '../adapters/dynamo-retention.ts';
import { RetentionAudit } from '../adapters/retention-evidence.ts';
import { S3Retention } from '../adapters/s3-retention.ts';
import { dynamo } from '../commons/clients.ts';
import { config, sweepIntervalMs } from '../commons/config.ts';
import { envOr, requireEnv } from '../commons/env.ts';
import { parseDuration } from '../core/duration.ts';
import { accountsTable } from '../core/resources.ts';
import { DEFAULT_MAX_LAG, retentionLogGroups, retentionTasks } from '../core/retention.ts';
import { auditLog } from './audit-log.ts';

export const tasks = retentionTasks(config.dataMap);

export const sources = { dynamo: new DynamoRetention(dynamo), s3: new S3Retention(new S3Client({})) };
/**
 * The log groups' retention, when the rules name any. Local mode sets
 * LETHE_LOG_RETENTION=off: it has no CloudWatch Logs stand-in.
 */
export const logGroups =
  retentionLogGroups(config.dataMap).length > 0 && envOr('LETHE_LOG_RETENTION', 'on') !== 'off'
    ? new CloudWatchLogRetention(new CloudWatchLogsClient({ maxAttempts: 8 }))
    : undefined;
export const holds = new DynamoHolds(dynamo, requireEnv(accountsTable.env));
export const evidence = new RetentionAudit(dynamo, auditLog);

export const settings = {
  maxLagMs: parseDuration(envOr('LETHE_RETENTION_MAX_LAG', config.retentionMaxLag ?? DEFAULT_MAX_LAG)),
  intervalMs: sweepIntervalMs(),
  reserveMs: Number(envOr('LETHE_RESERVE_MS', '20000')),
  /** Index entries per Query: a few thousand keeps each page's time flat. */
  pageSize: Number(envOr('LETHE_RETENTION_PAGE_SIZE', '2000')),
};
