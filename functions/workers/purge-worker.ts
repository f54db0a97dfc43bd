/**
 * The purge worker: one SQS message is one account's purge (or its next
 * part). Failures are reported per message, so one bad account never holds
 * back the batch, and a message that keeps failing ends in the DLQ (I3).
 */
import { logger, maskId } from '../commons/logger.ts';
import { metrics } from '../commons/metrics.ts';
import { readJob } from '../commons/unreadable-jobs.ts';
import { purgeJobOfBody } from '../core/jobs.ts';
import { purgeAccount } from '../enforcement/purge.ts';
import { confirmations, purgeDeadLetters, purgeQueue, purgeState, timing } from './enforcement-deps.ts';
import { map, processors, profiles, storePurger } from './purge-deps.ts';
import { sqsWorker } from './sqs-worker.ts';

const deadLetters = purgeDeadLetters();

export const handler = sqsWorker(
  // A body that can never be read goes to the DLQ at once, not after five deliveries.
  (record) => readJob(record, purgeJobOfBody, deadLetters, 'not a purge job'),
  async ({ accountId }, _record, context) => {
    const { outcome, pages } = await purgeAccount(
      {
        map,
        claims: purgeState,
        purger: storePurger,
        processors,
        profiles,
        queue: purgeQueue,
        now: () => new Date(),
        remainingMs: () => context.getRemainingTimeInMillis(),
        metrics,
        confirmations,
      },
      accountId,
      timing,
    );
    logger.info('Purge step', { account: maskId(accountId), outcome, pages });
  },
);
