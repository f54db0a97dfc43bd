import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { sqsWorker } from '../../../functions/workers/sqs-worker.ts';
import { lambdaContext } from '../../support/events.ts';

const record = (messageId: string, body: string, receiveCount = 1): SQSRecord => ({
  messageId,
  receiptHandle: `handle-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '0',
    SenderId: 'sender',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:lethe-test',
  awsRegion: 'us-east-1',
});

const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const context = lambdaContext as unknown as Context;

/** A job is a number in `{"n": …}`; anything else does not parse. */
const parseN = (r: SQSRecord): number => {
  const { n } = JSON.parse(r.body) as { n?: unknown };
  if (typeof n !== 'number') throw new Error('no n');
  return n;
};

describe('sqsWorker', () => {
  it('parses each record and hands the job, its record and the context to the handler', async () => {
    const seen: [number, string, Context][] = [];
    const handler = sqsWorker(parseN, async (n, r, c) => {
      seen.push([n, r.messageId, c]);
    });
    const response = await handler(event(record('a', '{"n":1}'), record('b', '{"n":2}')), context);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([
      [1, 'a', context],
      [2, 'b', context],
    ]);
  });

  it('reports a record that does not parse, alone, and never hands it to the handler', async () => {
    const handled: number[] = [];
    const handler = sqsWorker(parseN, async (n) => {
      handled.push(n);
    });
    const response = await handler(
      event(
        record('a', '{"n":1}'),
        record('bad', 'not json'),
        record('c', '{"m":3}'),
        record('d', '{"n":4}'),
      ),
      context,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }, { itemIdentifier: 'c' }]);
    expect(handled).toEqual([1, 4]);
  });

  it('counts a record its parse dealt with (undefined, e.g. sent to the DLQ) as done, and does not handle it', async () => {
    const dealtWith: string[] = [];
    const handled: number[] = [];
    const handler = sqsWorker(
      async (r) => {
        if (r.body.startsWith('{')) return parseN(r);
        dealtWith.push(r.messageId);
        return undefined;
      },
      async (n) => {
        handled.push(n);
      },
    );
    const response = await handler(event(record('a', '{"n":1}'), record('junk', 'junk')), context);
    expect(response.batchItemFailures).toEqual([]);
    expect(dealtWith).toEqual(['junk']);
    expect(handled).toEqual([1]);
  });

  it('reports a record whose handling throws, alone; the rest of the batch counts as done', async () => {
    const handled: number[] = [];
    const handler = sqsWorker(parseN, async (n) => {
      if (n === 2) throw new Error('store unavailable');
      handled.push(n);
    });
    const response = await handler(
      event(record('a', '{"n":1}'), record('b', '{"n":2}'), record('c', '{"n":3}')),
      context,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'b' }]);
    expect(handled).toEqual([1, 3]);
  });

  it('fails the invocation when every record fails, so the whole batch comes back', async () => {
    const handler = sqsWorker(parseN, async () => {
      throw new Error('down');
    });
    await expect(handler(event(record('a', '{"n":1}'), record('b', 'x')), context)).rejects.toBeInstanceOf(
      FullBatchFailureError,
    );
  });

  it('keeps no state between invocations: a later batch is judged on its own records', async () => {
    const handler = sqsWorker(parseN, async (n) => {
      if (n < 0) throw new Error('negative');
    });
    const first = await handler(event(record('a', '{"n":-1}'), record('b', '{"n":1}')), context);
    const second = await handler(event(record('c', '{"n":2}')), context);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'a' }]);
    expect(second.batchItemFailures).toEqual([]);
  });
});
