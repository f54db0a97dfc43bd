/** The sweeper's and purge worker's dependencies, wired once per container at cold start. */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { config } from '../../lethe.config.ts';
import { DynamoPurgeState } from '../adapters/dynamo-purge-state.ts';
import { DynamoPurger } from '../adapters/dynamo-purger.ts';
import { ProcessorClient } from '../adapters/processor-client.ts';
import { S3Purger } from '../adapters/s3-purger.ts';
import { SqsPurgeQueue } from '../adapters/sqs-purge-queue.ts';
import { DataMapPurger } from '../adapters/store-purger.ts';
import { auditLog, subjectKey } from '../commons/audit-log.ts';
import { dynamo, dynamoClient } from '../commons/clients.ts';
import { envOr, requireEnv } from '../commons/env.ts';
import { validateDataMap } from '../core/data-map.ts';
import { parseDuration } from '../core/duration.ts';
import { accountsTable, purgeQueue as purgeQueueDefinition } from '../core/resources.ts';

export const map = validateDataMap(config.dataMap);

// The queue URL is used as given; fauxqs's URLs name hosts that only exist in its own world.
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

export const purgeState = new DynamoPurgeState(dynamo, requireEnv(accountsTable.env), auditLog);
export const purgeQueue = new SqsPurgeQueue(sqs, requireEnv(purgeQueueDefinition.env));
export const storePurger = new DataMapPurger(new DynamoPurger(dynamoClient), new S3Purger(new S3Client({})));
export const processors = new ProcessorClient(subjectKey);

export const timing = {
  /** How long a claim is the worker's; past it, a sweep may hand the purge to another worker. */
  leaseMs: parseDuration(envOr('LETHE_PURGE_LEASE', 'PT15M')),
  /** Stop taking new pages with this much time left; bench and tests shorten it to force continuations. */
  reserveMs: Number(envOr('LETHE_RESERVE_MS', '20000')),
  /** DynamoDB point-in-time recovery keeps 35 days: data is gone from backups that long after a purge. */
  backupWindowMs: parseDuration(envOr('LETHE_BACKUP_WINDOW', 'P35D')),
  pageSize: Number(envOr('LETHE_SWEEP_PAGE_SIZE', '500')),
};
