/**
 * The notice sender: one SQS message is one notice record's key. Failures
 * are reported per message; one that keeps failing ends in the DLQ. Logs
 * name the kind and the outcome, never an address, an id or a link (I7).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../commons/logger.ts';
import { readJob } from '../commons/unreadable-jobs.ts';
import { noticeKeyOfBody } from '../core/notices.ts';
import { sendNotice } from '../notices/send-notice.ts';
import { noticeDeadLetters, sendNoticeDeps } from './notice-deps.ts';

const processor = new BatchProcessor(EventType.SQS);

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(
    event,
    async (record: SQSRecord) => {
      // A body that can never be read goes to the DLQ at once, not after five deliveries.
      const key = await readJob(record, noticeKeyOfBody, noticeDeadLetters, 'not a notice job');
      if (key === undefined) return;
      const outcome = await sendNotice(sendNoticeDeps, key);
      logger.info('Notice handled', { kind: key.slice(key.lastIndexOf('#') + 1), outcome });
    },
    processor,
    { context },
  );
};
