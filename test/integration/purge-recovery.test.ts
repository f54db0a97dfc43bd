/**
 * A purge that began finishes, or lands in the DLQ; it is never silently
 * dropped (I3). These tests never sweep (enforcement.test.ts does): their
 * accounts are put straight into the claimable state without a due-index
 * entry and claimed through the real adapter.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { SqsJobDeadLetters } from '../../functions/adapters/sqs-dead-letters.ts';
import { purgeJobOfBody } from '../../functions/core/jobs.ts';
import { startPurge } from '../../functions/core/purge.ts';
import { accountsTable } from '../../functions/core/resources.ts';
import type { StorePurger } from '../../functions/enforcement/ports.ts';
import { purgeAccount } from '../../functions/enforcement/purge.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { startQueuePoller } from '../../local/queue-poller.ts';
import {
  type Counts,
  deps,
  depth,
  eventually,
  fileQueue,
  privateQueue,
  purgeWorkerHandler,
  readJob,
  receiptCounts,
  receiptOf,
  receiveAll,
  remaining,
  seedAccount,
  sendJobs,
  sqs,
  trailOf,
} from './enforcement-support.ts';
import { doc, readRecord } from './support.ts';

const nothing = (counts: Counts): Counts => Object.fromEntries(Object.keys(counts).map((name) => [name, 0]));

/** Past due, with no due-index entry (no sweep will ever see it), then claimed as the sweeper claims. */
const claimDirectly = async (accountId: string) => {
  const now = new Date().toISOString();
  await doc.send(
    new PutCommand({
      TableName: accountsTable.localName,
      Item: { accountId, status: 'DEACTIVATED', deactivatedAt: now, purgeAfter: now },
    }),
  );
  const leaseUntil = new Date(Date.now() + deps.timing.leaseMs).toISOString();
  const claimed = await deps.purgeState.claim(
    accountId,
    new Date().toISOString(),
    leaseUntil,
    startPurge(now),
  );
  if (!claimed) throw new Error('claim refused');
};

const useCaseDeps = (purger: StorePurger) => ({
  map: deps.map,
  claims: deps.purgeState,
  purger,
  processors: deps.processors,
  queue: deps.purgeQueue,
  now: () => new Date(),
  remainingMs: () => 60_000,
});

class Crash extends Error {}

describe('purge recovery', () => {
  it('resumes from the checkpoint after a crash between pages, with exact counts', async () => {
    // Arrange: a claimed account spanning several pages, and a worker that dies before its third page
    const { id, counts } = await seedAccount('crash', 2500);
    await claimDirectly(id);
    let pages = 0;
    const dying: StorePurger = {
      purgePage: (store, accountId, cursor, announce) => {
        pages += 1;
        if (pages > 2) throw new Crash('the container went away');
        return deps.storePurger.purgePage(store, accountId, cursor, announce);
      },
      deleteAnnounced: (store, accountId, keys) => deps.storePurger.deleteAnnounced(store, accountId, keys),
    };

    // Act: the first attempt dies mid-purge
    await expect(purgeAccount(useCaseDeps(dying), id, deps.timing)).rejects.toBeInstanceOf(Crash);

    // Assert: two pages are checkpointed (each announced, then counted), the rest of the data is still there
    const checkpoint = await readRecord(id);
    expect(checkpoint?.status).toBe('PURGING');
    expect(checkpoint?.progressVersion).toBe(4);
    expect(checkpoint?.progress.pending).toBeUndefined();
    expect(checkpoint?.progress.counts.content).toBe(2000);
    expect((await remaining(id)).content).toBe((counts.content ?? 0) - 2000);

    // Act: the redelivered job carries on from there
    const resumed = await purgeAccount(useCaseDeps(deps.storePurger), id, deps.timing);

    // Assert
    expect(resumed.outcome).toBe('purged');
    expect(await remaining(id)).toEqual(nothing(counts));
    expect(receiptCounts(await receiptOf(id))).toEqual(counts);
    const done = (await trailOf(id)).filter((e) => e.kind === 'target-done');
    expect(done.map((e) => e.target).sort()).toEqual(Object.keys(counts).sort());
  });

  it("counts exactly after a crash between a page's delete and its checkpoint", async () => {
    // Arrange: a claimed account spanning several pages, and a worker killed on its second page
    // after the delete went through and before the checkpoint that counts it
    const { id, counts } = await seedAccount('crash-mid-page', 2500);
    await claimDirectly(id);
    let pages = 0;
    const killedAfterDelete: StorePurger = {
      purgePage: async (store, accountId, cursor, announce) => {
        pages += 1;
        const page = await deps.storePurger.purgePage(store, accountId, cursor, announce);
        if (pages === 2) throw new Crash('killed between the delete and the checkpoint');
        return page;
      },
      deleteAnnounced: (store, accountId, keys) => deps.storePurger.deleteAnnounced(store, accountId, keys),
    };

    // Act: the first attempt dies with its second page deleted and not yet counted
    await expect(purgeAccount(useCaseDeps(killedAfterDelete), id, deps.timing)).rejects.toBeInstanceOf(Crash);

    // Assert: the checkpoint counts one page and holds the second's keys as pending; those items are gone
    const checkpoint = await readRecord(id);
    expect(checkpoint?.progress.counts.content).toBe(1000);
    expect(checkpoint?.progress.pending).toMatchObject({ store: 'content' });
    expect(checkpoint?.progress.pending.keys).toHaveLength(1000);
    expect((await remaining(id)).content).toBe((counts.content ?? 0) - 2000);

    // Act: the redelivered job settles the pending page, then carries on
    const resumed = await purgeAccount(useCaseDeps(deps.storePurger), id, deps.timing);

    // Assert: every item is gone and the receipt counts each exactly once (it used to miss the 1,000)
    expect(resumed.outcome).toBe('purged');
    expect(await remaining(id)).toEqual(nothing(counts));
    expect(receiptCounts(await receiptOf(id))).toEqual(counts);
  });

  it('counts exactly when the crash comes before the pending page is deleted, and when it is settled twice', async () => {
    // Arrange: a worker killed on its second page after announcing the keys and before deleting them
    const { id, counts } = await seedAccount('crash-announced', 1500);
    await claimDirectly(id);
    let pages = 0;
    const killedBeforeDelete: StorePurger = {
      purgePage: (store, accountId, cursor, announce) => {
        pages += 1;
        return deps.storePurger.purgePage(store, accountId, cursor, async (keys) => {
          await announce?.(keys);
          if (pages === 2) throw new Crash('killed after announcing, before deleting');
        });
      },
      deleteAnnounced: (store, accountId, keys) => deps.storePurger.deleteAnnounced(store, accountId, keys),
    };
    await expect(purgeAccount(useCaseDeps(killedBeforeDelete), id, deps.timing)).rejects.toBeInstanceOf(
      Crash,
    );
    expect((await readRecord(id))?.progress.pending.keys.length).toBeGreaterThan(0);
    // A resume that dies right after settling: the settle is saved, so a second resume counts nothing twice
    let settledOnce = false;
    const killedAfterSettle: StorePurger = {
      purgePage: () => {
        settledOnce = true;
        throw new Crash('killed after the settle');
      },
      deleteAnnounced: (store, accountId, keys) => deps.storePurger.deleteAnnounced(store, accountId, keys),
    };
    await expect(purgeAccount(useCaseDeps(killedAfterSettle), id, deps.timing)).rejects.toBeInstanceOf(Crash);
    expect(settledOnce).toBe(true);
    expect((await readRecord(id))?.progress.pending).toBeUndefined();

    // Act
    const resumed = await purgeAccount(useCaseDeps(deps.storePurger), id, deps.timing);

    // Assert
    expect(resumed.outcome).toBe('purged');
    expect(await remaining(id)).toEqual(nothing(counts));
    expect(receiptCounts(await receiptOf(id))).toEqual(counts);
  });

  it('continues a purge through a new message when the time budget runs low', async () => {
    // Arrange: a claimed account and a handler invocation with almost no time left
    const { id, counts } = await seedAccount('budget');
    await claimDirectly(id);
    const event: SQSEvent = {
      Records: [
        {
          messageId: 'm-1',
          receiptHandle: 'r-1',
          body: JSON.stringify({ accountId: id }),
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(Date.now()),
            SenderId: '000000000000',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: fileQueue.arn,
          awsRegion: 'us-east-1',
        },
      ],
    };

    // Act: the handler hands the whole purge on, then the queue's next delivery does it
    const response = await purgeWorkerHandler(event, lambdaContext('purge-worker', 100));
    const next = startQueuePoller({
      sqs,
      queue: fileQueue,
      name: 'purge-worker',
      handler: purgeWorkerHandler,
      autoStart: false,
    });
    const drained = await next.drain();
    await next.stop();

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(drained).toEqual({ records: 1, failed: 0 });
    expect(await remaining(id)).toEqual(nothing(counts));
    expect(receiptCounts(await receiptOf(id))).toEqual(counts);
  });

  it('sends a job whose body can never be read to the DLQ at once, whole, with its reason', async () => {
    // Arrange: three bodies no delivery will ever read, and a good job in the same batch
    const { id, counts } = await seedAccount('unreadable');
    await claimDirectly(id);
    const unreadable = ['not json at all', '{"accountId":"not a valid id!"}', 'null'];
    const deliveries = new Map<string, number>();
    const poller = startQueuePoller({
      sqs,
      queue: fileQueue,
      name: 'purge-worker',
      handler: (event, context) => {
        for (const r of event.Records) deliveries.set(r.body, (deliveries.get(r.body) ?? 0) + 1);
        return purgeWorkerHandler(event, context);
      },
      autoStart: false,
    });

    // Act
    await sendJobs(fileQueue, [...unreadable, JSON.stringify({ accountId: id })]);
    const drained = await poller.drain();
    await poller.stop();

    // Assert: each delivered once and handled; the unreadable ones in the DLQ with the reason, the good one purged
    expect(drained).toEqual({ records: 4, failed: 0 });
    for (const body of unreadable) expect(deliveries.get(body)).toBe(1);
    expect(await depth(fileQueue.url)).toBe(0);
    const dead = await receiveAll(fileQueue.dlqUrl);
    expect(dead.map((m) => m.Body).sort()).toEqual([...unreadable].sort());
    for (const message of dead) {
      expect(message.MessageAttributes?.reason).toMatchObject({
        DataType: 'String',
        StringValue: 'not a purge job',
      });
    }
    expect(await remaining(id)).toEqual(nothing(counts));
  });

  it('reports the record failed when its DLQ cannot take it, so the queue keeps it', async () => {
    // Arrange: the adapter the worker uses, pointed at a DLQ that does not exist
    const gone = new SqsJobDeadLetters(sqs, `${fileQueue.dlqUrl}-gone`);
    const record = { messageId: 'm-gone', body: 'not json at all' } as SQSRecord;

    // Act / Assert: the send fails, so readJob throws and the batch reports the record failed
    await expect(readJob(record, purgeJobOfBody, gone, 'not a purge job')).rejects.toThrow();
  });

  it('moves a job that keeps failing to the DLQ after maxReceiveCount deliveries, data untouched', async () => {
    // Arrange: a queue like the purge queue with a 1 s visibility timeout, so redeliveries come quickly;
    // a job whose saved checkpoint is corrupt (every attempt throws)
    const queue = await privateQueue('poison', { visibilityTimeoutSeconds: 1 });
    const { id, counts } = await seedAccount('poison');
    await claimDirectly(id);
    await doc.send(
      new PutCommand({
        TableName: accountsTable.localName,
        Item: {
          ...(await readRecord(id)),
          progress: { ...startPurge(new Date().toISOString()), cursor: '{not json' },
        },
      }),
    );
    const bodies = [JSON.stringify({ accountId: id })];
    const deliveries = new Map<string, number>();
    const outcomes: string[] = [];
    const errors: string[] = [];
    const poller = startQueuePoller({
      sqs,
      queue,
      name: 'purge-worker',
      handler: (event, context) => {
        for (const r of event.Records) deliveries.set(r.body, (deliveries.get(r.body) ?? 0) + 1);
        return purgeWorkerHandler(event, context);
      },
      onRecord: (record, outcome) => {
        outcomes.push(`${outcome} ${record.attributes.ApproximateReceiveCount}`);
      },
      onError: (line) => errors.push(line),
    });

    // Act
    await sendJobs(queue, bodies);
    const dead = await (async () => {
      try {
        return await eventually(
          async () => ((await depth(queue.dlqUrl)) >= 1 ? true : undefined),
          25_000,
          'the job in the DLQ',
        );
      } finally {
        await poller.stop();
      }
    })();

    // Assert: delivered exactly maxReceiveCount times each, never deleted, now only in the DLQ
    expect(dead).toBe(true);
    for (const body of bodies) expect(deliveries.get(body)).toBe(queue.definition.maxReceiveCount);
    expect(outcomes.every((o) => o.startsWith('failed'))).toBe(true);
    // Every record failed, so the handler threw for the whole batch, as Powertools does; the poller kept it all.
    expect(errors.length).toBeGreaterThan(0);
    for (const line of errors) expect(line).toMatch(/^purge-worker failed: FullBatchFailureError/);
    expect(await depth(queue.url)).toBe(0);
    expect((await receiveAll(queue.dlqUrl)).map((m) => m.Body).sort()).toEqual([...bodies].sort());
    // The account is not dropped: still PURGING, every item still there, for an operator to redrive.
    expect((await readRecord(id))?.status).toBe('PURGING');
    expect(await remaining(id)).toEqual(counts);
  });
});
