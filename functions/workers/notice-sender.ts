/**
 * The notice sender: one SQS message is one notice record's key. Failures
 * are reported per message; one that keeps failing ends in the DLQ. Logs
 * name the kind and the outcome, never an address, an id or a link (I7).
 */
import type { SQSRecord } from 'aws-lambda';
import { logger } from '../commons/logger.ts';
import { noticeKeyOfBody } from '../core/notices.ts';
import { sendNotice } from '../notices/send-notice.ts';
import { sendNoticeDeps } from './notice-deps.ts';
import { sqsWorker } from './sqs-worker.ts';

const parseJob = (record: SQSRecord): string => {
  const noticeKey = noticeKeyOfBody(record.body);
  if (noticeKey === undefined) throw new Error('Notice message without a valid key');
  return noticeKey;
};

export const handler = sqsWorker(parseJob, async (key) => {
  const outcome = await sendNotice(sendNoticeDeps, key);
  logger.info('Notice handled', { kind: key.slice(key.lastIndexOf('#') + 1), outcome });
});
