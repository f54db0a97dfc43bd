/**
 * The purge worker: one SQS message is one account's purge (or its next
 * part). Failures are reported per message, so one bad account never holds
 * back the batch, and a message that keeps failing ends in the DLQ (I3).
 */
import { logger, maskId } from '../commons/logger.ts';
import { metrics } from '../commons/metrics.ts';
import { readJob } from '../commons/unreadable-jobs.ts';
import { purgeJobOfBody } from '../core/jobs.ts';
import { receiptNoticeKey } from '../core/notices.ts';
import { noticeQueue as noticeQueueDefinition } from '../core/resources.ts';
import { purgeAccount } from '../enforcement/purge.ts';
import { auditLog } from './audit-log.ts';
import {
  confirmations,
  noticeQueue,
  purgeDeadLetters,
  purgeQueue,
  purgeState,
  timing,
} from './enforcement-deps.ts';
import { map, processors, profiles, storePurger } from './purge-deps.ts';
import { sqsWorker } from './sqs-worker.ts';

const deadLetters = purgeDeadLetters();
/** Where the deletion receipt's notice goes as the purge ends (P6); without the queue, the next sweep sends it. */
const receipts = process.env[noticeQueueDefinition.env] ? noticeQueue() : undefined;

/**
 * The purge's final transaction writes the receipt's notice record, due at once. Queue it now, so the
 * receipt reaches the user as the purge ends, not at the next sweep (a quarter of an hour later, or never
 * soon after a hand sweep). Should this send fail, that sweep still finds the record due and queues it;
 * should both arrive, the sender's conditional claim sends one mail (I4).
 */
const queueReceipt = async (accountId: string) => {
  if (!receipts) return;
  try {
    await receipts.send([{ noticeKey: receiptNoticeKey(auditLog.subjectOf(accountId)) }]);
  } catch (error) {
    logger.warn('Receipt notice not queued now; the next sweep queues it', {
      account: maskId(accountId),
      error: error instanceof Error ? error.name : 'error',
    });
  }
};

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
    if (outcome === 'purged') await queueReceipt(accountId);
  },
);
