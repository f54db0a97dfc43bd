/**
 * A queue message whose body can never be read fails the same way on every
 * delivery: rather than wait out `maxReceiveCount` deliveries a visibility
 * timeout apart (for a purge job, five over two and a half hours), it goes to
 * the queue's DLQ at once, whole, with the reason as a message attribute, and
 * the record counts as handled. If that send fails, the error fails the
 * record, so SQS delivers it again: nothing the queue accepted is lost.
 */
import type { SQSRecord } from 'aws-lambda';
import type { JobDeadLetters } from '../core/jobs.ts';
import { logger } from './logger.ts';

/**
 * The record's job, or undefined once an unreadable body is in the DLQ.
 * `reason` says what the body is not ("not a purge job"); it never quotes
 * the body, which may hold an account id (I7).
 */
export const readJob = async <J>(
  record: SQSRecord,
  parse: (body: string) => J | undefined,
  deadLetters: JobDeadLetters,
  reason: string,
): Promise<J | undefined> => {
  const job = parse(record.body);
  if (job !== undefined) return job;
  await deadLetters.send(record.body, reason);
  logger.warn('Unreadable message moved to the DLQ at once', { messageId: record.messageId, reason });
  return undefined;
};
