/**
 * The one shape of every SQS-fed worker (purge worker, notice sender, export
 * worker, sign-in follower, notice feedback): each record is parsed into a
 * job, then handled, one at a time. A record whose parse or handling throws
 * is reported back as a batch item failure, so only that message returns to
 * the queue (and, after maxReceiveCount deliveries, goes to the DLQ, which
 * alarms), and the rest of the batch counts as done. A parse that returns
 * undefined has dealt with the record itself (an unreadable body sent to the
 * DLQ at once, commons/unreadable-jobs.ts; an SES event Lethe does not read,
 * logged and dropped): it counts as done and is not handled. The handler
 * logs with the invocation's context; what it logs per job is the worker's
 * own (never a body: I7).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../commons/logger.ts';

/** Turns one message into the worker's job; undefined: the record was dealt with; throws: fail it. */
export type ParseRecord<Job> = (record: SQSRecord) => Job | undefined | Promise<Job | undefined>;

/** Does one job; a throw fails that record alone. */
export type HandleJob<Job> = (job: Job, record: SQSRecord, context: Context) => Promise<void>;

export const sqsWorker = <Job>(parse: ParseRecord<Job>, handle: HandleJob<Job>) => {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    return processPartialResponse(
      event,
      async (record: SQSRecord) => {
        const job = await parse(record);
        if (job !== undefined) await handle(job, record, context);
      },
      processor,
      { context },
    );
  };
};
