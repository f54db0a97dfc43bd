/**
 * The notice sender: one SQS message is one notice record's key. Failures
 * are reported per message; one that keeps failing ends in the DLQ. Logs
 * name the kind and the outcome, never an address, an id or a link (I7).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../commons/logger.ts';
import { noticeKeyOfBody } from '../core/notices.ts';
import { sendNotice } from '../notices/send-notice.ts';
import { sendNoticeDeps } from './notice-deps.ts';

const processor = new BatchProcessor(EventType.SQS);

const parseJob = (record: SQSRecord): string => {
  const noticeKey = noticeKeyOfBody(record.body);
  if (noticeKey === undefined) throw new Error('Notice message without a valid key');
  return noticeKey;
};

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const key = parseJob(record);
      const outcome = await sendNotice(sendNoticeDeps, key);
      logger.info('Notice handled', { kind: key.slice(key.lastIndexOf('#') + 1), outcome });
    },
    processor,
    { context },
  );
};
