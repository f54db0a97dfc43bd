/**
 * Local mode's stand-ins for Lambda's event sources keep Lambda's rules, so
 * what passes locally behaves the same in AWS: the SQS poller deletes exactly
 * what a partial batch response says succeeded, and nothing when the handler
 * throws or overruns its timeout; the schedule never overlaps runs and
 * survives a failing one.
 */
import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { purgeQueue } from '../../functions/core/resources.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/app.ts';
import { type SqsHandler, startQueuePoller } from '../../local/queue-poller.ts';
import { createQueue } from '../../local/resources.ts';
import { startScheduler } from '../../local/scheduler.ts';

const endpoint = inject('handlerEnvironment').AWS_ENDPOINT_URL_SQS ?? '';
const sqs = new SQSClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint,
  useQueueUrlAsEndpoint: false,
});
afterAll(() => sqs.destroy());

/** A queue like the purge queue (30 min visibility: what fails stays in flight for the whole test). */
const queueWith = async (bodies: string[]) => {
  const queue = await createQueue(sqs, endpoint, {
    ...purgeQueue,
    localName: `lethe-poller-it-${randomUUID().slice(0, 8)}`,
  });
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queue.url,
      Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
    }),
  );
  return queue;
};

/** Messages still on the queue, visible or in flight: what was not deleted. */
const undeleted = async (url: string) => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
};

const drainWith = async (bodies: string[], handler: SqsHandler, timeoutMs?: number) => {
  const queue = await queueWith(bodies);
  const errors: string[] = [];
  const events: SQSEvent[] = [];
  const poller = startQueuePoller({
    sqs,
    queue,
    name: 'probe',
    handler: (event, context) => {
      events.push(event);
      return handler(event, context);
    },
    autoStart: false,
    ...(timeoutMs !== undefined && { timeoutMs }),
    onError: (line) => errors.push(line),
  });
  const stats = await poller.drain();
  await poller.stop();
  return { queue, stats, errors, events, left: await undeleted(queue.url) };
};

describe('the local SQS event source', () => {
  it('hands the handler a Lambda SQS event with the remaining time of the queue consumer timeout', async () => {
    let remaining = 0;
    const { queue, events, left } = await drainWith(['{"n":1}', '{"n":2}'], async (_event, context) => {
      remaining = context.getRemainingTimeInMillis();
      return { batchItemFailures: [] };
    });
    const [record] = events[0]?.Records ?? [];
    expect(record).toMatchObject({
      body: '{"n":1}',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: LOCAL_REGION,
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: expect.stringMatching(/^\d+$/) },
    });
    expect(remaining).toBeGreaterThan(purgeQueue.consumerTimeoutSeconds * 1000 - 5000);
    expect(remaining).toBeLessThanOrEqual(purgeQueue.consumerTimeoutSeconds * 1000);
    expect(left).toBe(0);
  });

  it('deletes every record but the ones a partial batch response names', async () => {
    const { stats, left, errors } = await drainWith(['a', 'b', 'c'], async (event) => ({
      batchItemFailures: event.Records.filter((r) => r.body === 'b').map((r) => ({
        itemIdentifier: r.messageId,
      })),
    }));
    expect(stats).toEqual({ records: 3, failed: 1 });
    expect(left).toBe(1);
    expect(errors).toEqual([]);
  });

  it('deletes nothing when the handler throws, and says so in one line without the bodies', async () => {
    const { stats, left, errors } = await drainWith(['secret-body-1', 'secret-body-2'], async () => {
      throw new TypeError('boom secret-body-1');
    });
    expect(stats).toEqual({ records: 2, failed: 2 });
    expect(left).toBe(2);
    expect(errors).toEqual(['probe failed: TypeError: its batch of 2 stays queued']);
  });

  it('deletes nothing when a failure names a record not in the batch (Lambda fails the whole batch)', async () => {
    const { left } = await drainWith(['a', 'b'], async () => ({
      batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }],
    }));
    expect(left).toBe(2);
  });

  it('deletes nothing when the handler overruns its timeout (Lambda would have stopped it)', async () => {
    const { left, errors } = await drainWith(
      ['a'],
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        return { batchItemFailures: [] };
      },
      50,
    );
    expect(left).toBe(1);
    expect(errors).toEqual([expect.stringMatching(/^probe ran \d+ ms, past its 50 ms timeout/)]);
  });

  it('stop() lets the batch in flight finish and be deleted', async () => {
    const queue = await queueWith(['slow']);
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    let finished = false;
    const poller = startQueuePoller({
      sqs,
      queue,
      name: 'probe',
      handler: async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished = true;
        return { batchItemFailures: [] };
      },
    });
    await handlerStarted;
    await poller.stop();
    expect(finished).toBe(true);
    expect(await undeleted(queue.url)).toBe(0);
  });
});

describe('the local schedule', () => {
  it('never overlaps runs, and a failed run is one line and not the end of the schedule', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    let failOnce = false;
    const errors: string[] = [];
    const scheduler = startScheduler({
      name: 'probe',
      intervalMs: 10,
      handler: async () => {
        running += 1;
        most = Math.max(most, running);
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 40));
        running -= 1;
        if (failOnce) {
          failOnce = false;
          throw new Error('secret detail');
        }
        return runs;
      },
      onError: (line) => errors.push(line),
    });
    // Asked twice at once, while the timer runs too: one run at a time.
    const asked = await Promise.all([scheduler.runNow(), scheduler.runNow()]);
    failOnce = true;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await scheduler.stop();
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(most).toBe(1);
    expect(asked[1]).toBeGreaterThan(asked[0] ?? 0);
    expect(errors).toEqual(['probe failed: Error; the next run is in 10 ms']);
    // It carried on after the failure, and stop() stopped it.
    expect(runs).toBeGreaterThan(4);
    expect(runs).toBe(after);
  });
});
