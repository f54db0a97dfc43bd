/**
 * The purge worker: one SQS message is one account's purge (or its next
 * part). Failures are reported per message, so one bad account never holds
 * back the batch, and a message that keeps failing ends in the DLQ (I3).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, maskId } from '../commons/logger.ts';
import { metrics } from '../commons/metrics.ts';
import { readJob } from '../commons/unreadable-jobs.ts';
import { purgeJobOfBody } from '../core/jobs.ts';
import { purgeAccount } from '../enforcement/purge.ts';
import { confirmations, purgeDeadLetters, purgeQueue, purgeState, timing } from './enforcement-deps.ts';
import { map, processors, profiles, storePurger } from './purge-deps.ts';

const processor = new BatchProcessor(EventType.SQS);
const deadLetters = purgeDeadLetters();

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(
    event,
    async (record: SQSRecord) => {
      // A body that can never be read goes to the DLQ at once, not after five deliveries.
      const job = await readJob(record, purgeJobOfBody, deadLetters, 'not a purge job');
      if (job === undefined) return;
      const { accountId } = job;
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
    processor,
    { context },
  );
};
