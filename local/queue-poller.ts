/**
 * The local SQS event source mapping: long-polls a queue, hands each batch to
 * the handler as the SQSEvent Lambda would build, and deletes what succeeded.
 * With ReportBatchItemFailures, only the records the handler names stay on
 * the queue; if it throws (or runs past its timeout) the whole batch stays.
 * What stays comes back after the visibility timeout, and after
 * `maxReceiveCount` deliveries the queue's redrive policy moves it to the DLQ:
 * fauxqs applies that on receive, as SQS does.
 *
 * One batch at a time, as one Lambda container runs one invocation at a
 * time: the handlers keep per-batch state at module scope (Powertools'
 * BatchProcessor), so two concurrent batches in one process would mix.
 */

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { plural } from '../cli/format.ts';
import { purgeJobOfBody } from '../functions/core/jobs.ts';
import { lambdaContext } from './lambda-context.ts';
import { accountName } from './log-lines.ts';
import type { LocalQueue } from './resources.ts';
import { describeError } from './scheduler.ts';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export type RecordOutcome = 'done' | 'failed';

/** The invocation a record was handed to: when it began, and the whole batch with what failed. */
export interface HandledBatch {
  /** Date.now() just before the handler was called. */
  readonly startedAt: number;
  readonly records: readonly SQSRecord[];
  readonly failed: ReadonlySet<string>;
}

/** The account a job is about, if its body names a valid one: for one-line reports keyed by masked id. */
export const accountOfRecord = (record: SQSRecord): string | undefined =>
  purgeJobOfBody(record.body)?.accountId;

/** How a report names a record's account (accountName: a demo id, else masked, I7). */
export const describeRecord = (accountId: string | undefined): string =>
  accountId ? accountName(accountId) : 'a message without a valid account id';

export interface QueuePollerOptions {
  readonly sqs: SQSClient;
  readonly queue: LocalQueue;
  /** Names the function in its context. */
  readonly name: string;
  readonly handler: SqsHandler;
  /** Short, so a local purge starts within a second or two of its message. @default 1 */
  readonly waitTimeSeconds?: number;
  /** The function's timeout. @default the queue definition's consumerTimeoutSeconds */
  readonly timeoutMs?: number;
  /** False: nothing is received until `drain()` (tests drive it). @default true */
  readonly autoStart?: boolean;
  /** After each record's batch is settled: deleted ('done') or left for redelivery ('failed'). */
  readonly onRecord?: (
    record: SQSRecord,
    outcome: RecordOutcome,
    batch: HandledBatch,
  ) => void | Promise<void>;
  /** One line per failed poll, invocation or delete; it names the error, never a message body. */
  readonly onError?: (line: string) => void;
}

export interface BatchStats {
  readonly records: number;
  readonly failed: number;
}

export interface QueuePoller {
  /** Receives and handles batches until a receive comes back empty: every visible message, and the continuations they send. */
  drain(): Promise<BatchStats>;
  /** Stops polling; resolves when the batch in flight, if any, has been handled and deleted. */
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 10_000;

const toRecord = (message: Message, queue: LocalQueue, region: string): SQSRecord => {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([key, value]) => [
        key,
        {
          ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
          ...(value.BinaryValue !== undefined && {
            binaryValue: Buffer.from(value.BinaryValue).toString('base64'),
          }),
          dataType: value.DataType ?? 'String',
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes && { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: region,
  };
};

/**
 * The records that stay on the queue, by Lambda's rules for a partial batch
 * response: none for an empty response, all if any identifier is missing or
 * not in the batch.
 */
export const failedRecords = (records: readonly SQSRecord[], response: unknown): Set<string> => {
  const all = new Set(records.map((r) => r.messageId));
  const failures = (response as Partial<SQSBatchResponse> | null | undefined)?.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const ids = failures.map((f) => (f as { itemIdentifier?: unknown } | null)?.itemIdentifier);
  if (ids.some((id) => typeof id !== 'string' || !all.has(id))) return all;
  return new Set(ids as string[]);
};

export const startQueuePoller = (options: QueuePollerOptions): QueuePoller => {
  const { sqs, queue, name, handler } = options;
  const region = queue.arn.split(':')[3] ?? 'us-east-1';
  const waitTimeSeconds = options.waitTimeSeconds ?? 1;
  const timeoutMs = options.timeoutMs ?? queue.definition.consumerTimeoutSeconds * 1000;
  const batchSize = Math.min(queue.definition.batchSize, 10);
  const onError = options.onError ?? ((line: string) => console.error(line));

  const invoke = async (records: SQSRecord[], started: number): Promise<Set<string>> => {
    try {
      const response = await handler(
        { Records: records },
        lambdaContext(name, timeoutMs, randomUUID(), started),
      );
      const ms = Date.now() - started;
      if (ms > timeoutMs) {
        // Lambda would have stopped it: nothing is deleted, the batch comes back after the visibility timeout.
        onError(
          `${name} ran ${ms} ms, past its ${timeoutMs} ms timeout: its batch of ${records.length} stays queued`,
        );
        return new Set(records.map((r) => r.messageId));
      }
      return failedRecords(records, response);
    } catch (error) {
      onError(`${name} failed: ${describeError(error)}: its batch of ${records.length} stays queued`);
      return new Set(records.map((r) => r.messageId));
    }
  };

  const remove = async (records: SQSRecord[]) => {
    if (records.length === 0) return;
    const { Failed } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: records.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }),
    );
    if (Failed && Failed.length > 0) {
      // As in AWS: an undeleted message is delivered again; the handlers are idempotent for that.
      onError(
        `${name}: ${plural(Failed.length, 'handled message')} could not be deleted (${Failed[0]?.Code}): they will be delivered again`,
      );
    }
  };

  const pollOnce = async (wait: number): Promise<BatchStats> => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: wait,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return { records: 0, failed: 0 };
    const records = Messages.map((m) => toRecord(m, queue, region));
    const startedAt = Date.now();
    const failed = await invoke(records, startedAt);
    await remove(records.filter((r) => !failed.has(r.messageId)));
    const batch: HandledBatch = { startedAt, records, failed };
    for (const record of records)
      await options.onRecord?.(record, failed.has(record.messageId) ? 'failed' : 'done', batch);
    return { records: records.length, failed: failed.size };
  };

  // One batch at a time, whether the loop or drain() asks.
  let tail: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };

  let running = options.autoStart ?? true;
  const stopping = new AbortController();
  const loop = async () => {
    let failures = 0;
    while (running) {
      try {
        await serially(() => pollOnce(waitTimeSeconds));
        failures = 0;
      } catch (error) {
        failures += 1;
        const backoff = Math.min(1000 * 2 ** (failures - 1), MAX_BACKOFF_MS);
        onError(`${name}: polling failed: ${describeError(error)}; retrying in ${backoff} ms`);
        await sleep(backoff, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
  };
  const looping = running ? loop() : Promise.resolve();

  return {
    drain: async () => {
      let records = 0;
      let failed = 0;
      for (;;) {
        const batch = await serially(() => pollOnce(0));
        if (batch.records === 0) return { records, failed };
        records += batch.records;
        failed += batch.failed;
      }
    },
    stop: async () => {
      // The receive in flight is not aborted: its messages would sit invisible for a whole visibility timeout.
      running = false;
      stopping.abort();
      await looping;
      await tail;
    },
  };
};
