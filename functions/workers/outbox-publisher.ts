/**
 * The event publisher: the outbox table's stream (new items only, filtered
 * by the event source mapping) to EventBridge. Returns the first record it
 * could not publish as the batch's failure, so the stream retries from there
 * in order (ReportBatchItemFailures); see publish.ts.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoOutboxCleaner } from '../adapters/dynamo-outbox.ts';
import { EventBridgeBus } from '../adapters/eventbridge-bus.ts';
import { SqsDeadLetters } from '../adapters/sqs-dead-letters.ts';
import { dynamo } from '../commons/clients.ts';
import { envOr, requireEnv } from '../commons/env.ts';
import { logger } from '../commons/logger.ts';
import { DEFAULT_EVENT_SOURCE, type OutboxItem } from '../core/events.ts';
import { outboxTable } from '../core/resources.ts';
import { type OutboxRecord, type PublishDeps, publishRecords } from '../events/publish.ts';

export const EVENT_BUS_ENV = 'LETHE_EVENT_BUS';
export const EVENT_SOURCE_ENV = 'LETHE_EVENT_SOURCE';
export const EVENTS_DLQ_ENV = 'EVENTS_DLQ_URL';

const deps: PublishDeps = {
  bus: new EventBridgeBus(new EventBridgeClient({ maxAttempts: 3 }), requireEnv(EVENT_BUS_ENV)),
  deadLetters: new SqsDeadLetters(
    new SQSClient({ useQueueUrlAsEndpoint: false }),
    requireEnv(EVENTS_DLQ_ENV),
  ),
  outbox: new DynamoOutboxCleaner(dynamo, requireEnv(outboxTable.env)),
  source: envOr(EVENT_SOURCE_ENV, DEFAULT_EVENT_SOURCE),
};

/** New outbox items only: the deletes after publishing (and TTL's) are stream records too. */
export const outboxRecords = (records: readonly DynamoDBRecord[]): OutboxRecord[] =>
  records.flatMap((record) =>
    record.eventName === 'INSERT' && record.dynamodb?.NewImage && record.dynamodb.SequenceNumber
      ? [
          {
            sequenceNumber: record.dynamodb.SequenceNumber,
            item: unmarshall(record.dynamodb.NewImage as never) as OutboxItem,
          },
        ]
      : [],
  );

export const handler = async (
  event: DynamoDBStreamEvent,
  context: Context,
): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const result = await publishRecords(deps, outboxRecords(event.Records));
  // Counts only: an event names an account, and no event is logged (I7).
  logger.info('Events published', {
    published: result.published,
    deadLettered: result.deadLettered,
    retrying: result.retryFrom !== undefined,
  });
  return { batchItemFailures: result.retryFrom ? [{ itemIdentifier: result.retryFrom }] : [] };
};
