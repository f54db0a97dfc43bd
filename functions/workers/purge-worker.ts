/**
 * The purge worker: one SQS message is one account's purge (or its next
 * part). Failures are reported per message, so one bad account never holds
 * back the batch, and a message that keeps failing ends in the DLQ (I3).
 */
import type { SQSRecord } from 'aws-lambda';
import { logger, maskId } from '../commons/logger.ts';
import { metrics } from '../commons/metrics.ts';
import { isAccountId } from '../core/account-id.ts';
import { purgeAccount } from '../enforcement/purge.ts';
import { confirmations, purgeQueue, purgeState, timing } from './enforcement-deps.ts';
import { map, processors, profiles, storePurger } from './purge-deps.ts';
import { sqsWorker } from './sqs-worker.ts';

const parseJob = (record: SQSRecord): string => {
  const { accountId } = JSON.parse(record.body) as { accountId?: unknown };
  if (!isAccountId(accountId)) throw new Error('Purge message without a valid accountId');
  return accountId;
};

export const handler = sqsWorker(parseJob, async (accountId, _record, context) => {
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
});
