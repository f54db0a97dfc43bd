/**
 * What the sweeper and the purge worker share, wired once per container at
 * cold start: the purge state on the Accounts table, the purge queue, timing.
 * The worker's store adapters live in purge-deps.ts, so the sweeper's bundle
 * carries no S3 client.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoConfirmations } from '../adapters/dynamo-confirmations.ts';
import { DynamoNotices } from '../adapters/dynamo-notices.ts';
import { DynamoPurgeState } from '../adapters/dynamo-purge-state.ts';
import { localProcessorEndpoint, ProcessorClient } from '../adapters/processor-client.ts';
import { SqsJobDeadLetters } from '../adapters/sqs-dead-letters.ts';
import { SqsJobQueue } from '../adapters/sqs-job-queue.ts';
import { dynamo, dynamoClient } from '../commons/clients.ts';
import { config } from '../commons/config.ts';
import { envOr, requireEnv } from '../commons/env.ts';
import { outbox } from '../commons/outbox.ts';
import { traced } from '../commons/tracer.ts';
import { parseDuration } from '../core/duration.ts';
import { DEFAULT_DELETION_SLA } from '../core/purge.ts';
import {
  accountsTable,
  noticeQueue as noticeQueueDefinition,
  purgeQueue as purgeQueueDefinition,
} from '../core/resources.ts';
import type { PurgeJob, PurgeQueue } from '../enforcement/ports.ts';
import type { NoticeJob } from '../notices/ports.ts';
import { auditLog, subjectKey } from './audit-log.ts';

// The queue URL is used as given; fauxqs's URLs name hosts that only exist in its own world.
const sqs = traced(new SQSClient({ useQueueUrlAsEndpoint: false }));
// The workers' DynamoDB calls are traced too (the document client shares this client's middleware).
traced(dynamoClient);

export const purgeState = new DynamoPurgeState(dynamo, requireEnv(accountsTable.env), auditLog, outbox);
export const purgeQueue: PurgeQueue = new SqsJobQueue<PurgeJob>(sqs, requireEnv(purgeQueueDefinition.env));
/** The purge worker sends a job whose body can never be read here at once; the sweeper does not need it. */
export const purgeDeadLetters = () => new SqsJobDeadLetters(sqs, requireEnv(purgeQueueDefinition.dlqEnv));
/** Processor confirmations owed (P5): the worker records them, the sweeper counts the overdue. */
export const confirmations = new DynamoConfirmations(dynamo, requireEnv(accountsTable.env));

/** Signed requests to the data map's processors: the worker's deletions, the sweeper's status polls. */
export const processorClient = () =>
  new ProcessorClient(subjectKey, 10_000, localProcessorEndpoint(process.env.LETHE_PROCESSOR_ENDPOINT_URL));

/** The sweeper also finds due notices; the purge worker does not need these. */
export const noticeIndex = () => new DynamoNotices(dynamo, requireEnv(accountsTable.env), outbox);
export const noticeQueue = () => new SqsJobQueue<NoticeJob>(sqs, requireEnv(noticeQueueDefinition.env));

export const timing = {
  /** How long a claim is the worker's; past it, a sweep may hand the purge to another worker. */
  leaseMs: parseDuration(envOr('LETHE_PURGE_LEASE', 'PT15M')),
  /** Stop taking new pages with this much time left; bench and tests shorten it to force continuations. */
  reserveMs: Number(envOr('LETHE_RESERVE_MS', '20000')),
  /** DynamoDB point-in-time recovery keeps 35 days: data is gone from backups that long after a purge. */
  backupWindowMs: parseDuration(envOr('LETHE_BACKUP_WINDOW', 'P35D')),
  pageSize: Number(envOr('LETHE_SWEEP_PAGE_SIZE', '500')),
  /** The deletion SLA every receipt records as met or missed, and the overdue gauge counts against. */
  sla: {
    afterPurgeAfterMs: parseDuration(
      envOr(
        'LETHE_DELETION_SLA',
        config.deletionSla?.afterPurgeAfter ?? DEFAULT_DELETION_SLA.afterPurgeAfter,
      ),
    ),
    outerBoundMs: parseDuration(
      envOr('LETHE_DELETION_OUTER_BOUND', config.deletionSla?.outerBound ?? DEFAULT_DELETION_SLA.outerBound),
    ),
  },
};
