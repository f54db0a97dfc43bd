/**
 * `lethe dlq` against the SQS stand-in as `LETHE_DATA_DIR` runs it: fauxqs with
 * a data directory. That stand-in drops a message whose visibility is changed
 * to 0 (its persistence writes NULL into a NOT NULL column after taking the
 * message out of flight), so a listing that "made messages visible again at
 * once" deleted them. Nothing accepted may be lost (P1): list twice, redrive;
 * every job must reach the purge queue, and the unreadable body stay in the DLQ.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeQueue } from '../../functions/core/resources.ts';
import { freePort } from '../../local/free-port.ts';
import { createQueue, type LocalQueue } from '../../local/resources.ts';
import { startFauxqsOnLoopback } from '../../local/stand-in-sqs-s3.ts';
import { LOOPBACK, type Running } from '../../local/stand-in-support.ts';
import { runLethe } from '../support/cli.ts';

let dataDir: string;
let fauxqs: Running;
let sqs: SQSClient;
let queue: LocalQueue;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lethe-dlq-kept-'));
  const port = await freePort();
  fauxqs = await startFauxqsOnLoopback(port, dataDir);
  const endpoint = `http://${LOOPBACK}:${port}`;
  sqs = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  queue = await createQueue(sqs, endpoint, purgeQueue);
  env = { LETHE_SQS_S3_PORT: String(port) };
});

afterAll(async () => {
  sqs?.destroy();
  await fauxqs?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const receiveAll = async (url: string, want: number) => {
  const bodies: string[] = [];
  for (let i = 0; i < 10 && bodies.length < want; i += 1) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const m of Messages) {
      bodies.push(m.Body ?? '');
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return bodies.sort();
};

describe('lethe dlq on the stand-in with a data directory', () => {
  it('lists the same messages twice, then moves every job back and keeps the unreadable body', async () => {
    // Arrange: two purge jobs and one unreadable body in the DLQ
    const jobs = [JSON.stringify({ accountId: 'dlq-kept-1' }), JSON.stringify({ accountId: 'dlq-kept-2' })];
    const bodies = [...jobs, 'garbage'];
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.dlqUrl,
        Entries: bodies.map((MessageBody, n) => ({ Id: String(n), MessageBody })),
      }),
    );

    // Act: list, list again once the listing's hold has lapsed, then redrive
    const first = await runLethe(['dlq', 'list', '--json'], env);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const second = await runLethe(['dlq', 'list', '--json'], env);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const moved = await runLethe(['dlq', 'redrive', '--json'], env);

    // Assert: both listings saw all three, with no warning; the redrive moved both jobs, bodies as they were
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toMatch(/could not be made visible/);
    expect(first.json().messages).toHaveLength(3);
    expect(second.json().messages).toHaveLength(3);
    expect(moved.json()).toMatchObject({ moved: 2, failed: 0, unreadable: 1 });
    expect(await receiveAll(queue.url, 2)).toEqual([...jobs].sort());

    // Assert: the unreadable body is still in the DLQ, shown by the next listing (released, not lost: P1)
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const third = await runLethe(['dlq', 'list', '--json'], env);
    expect(third.json().messages).toEqual([expect.objectContaining({ body: 'garbage' })]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await receiveAll(queue.dlqUrl, 1)).toEqual(['garbage']);
  });
});
