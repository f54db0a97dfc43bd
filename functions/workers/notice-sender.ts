/**
 * The notice sender: one SQS message is one notice record's key. Failures
 * are reported per message; one that keeps failing ends in the DLQ. Logs
 * name the kind and the outcome, never an address, an id or a link (I7).
 */
import { logger } from '../commons/logger.ts';
import { readJob } from '../commons/unreadable-jobs.ts';
import { noticeKeyOfBody } from '../core/notices.ts';
import { sendNotice } from '../notices/send-notice.ts';
import { noticeDeadLetters, sendNoticeDeps } from './notice-deps.ts';
import { sqsWorker } from './sqs-worker.ts';

export const handler = sqsWorker(
  // A body that can never be read goes to the DLQ at once, not after five deliveries.
  (record) => readJob(record, noticeKeyOfBody, noticeDeadLetters, 'not a notice job'),
  async (key) => {
    const outcome = await sendNotice(sendNoticeDeps, key);
    logger.info('Notice handled', { kind: key.slice(key.lastIndexOf('#') + 1), outcome });
  },
);
