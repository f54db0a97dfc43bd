/**
 * The enforcement loop end to end, with the real sweeper and purge worker
 * against the stand-ins: due accounts are claimed by conditional writes (I1,
 * I2), purged from every store of the data map (I3), and leave behind only a
 * tombstone, a receipt and an audit trail keyed by subject (I6).
 *
 * The only test file that sweeps: a sweep claims every due account in the
 * database, so the other enforcement files keep theirs out of the due index.
 * Tests here run one after another and each leaves nothing due behind.
 */

import { dirname } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sweepNow } from '../../cli/commands/sweep.ts';
import { Services } from '../../cli/services.ts';
import { localTarget, type ResourceName, type Target } from '../../cli/target.ts';
import { profileStore, validateDataMap } from '../../functions/core/data-map.ts';
import { dueShardOf } from '../../functions/core/lifecycle.ts';
import { noticeKey, receiptNoticeKey } from '../../functions/core/notices.ts';
import { purgeOrder } from '../../functions/core/purge.ts';
import { accountsTable, outboxTable } from '../../functions/core/resources.ts';
import { config } from '../../lethe.config.ts';
import { startEnforcement } from '../../local/enforcement.ts';
import { startQueuePoller } from '../../local/queue-poller.ts';
import {
  backdate,
  type Counts,
  deactivatePastDue,
  depth,
  enforcement,
  enforcementLines,
  eventually,
  fileNoticeQueue,
  fileQueue,
  handlerLogs,
  map,
  maskId,
  purgeMap,
  purgeWorkerHandler,
  RESERVE_MS,
  receiptCounts,
  receiptOf,
  remaining,
  s3,
  scanAll,
  seedAccount,
  sendJobs,
  sentMail,
  sqs,
  subject,
  trailOf,
  viewOf,
} from './enforcement-support.ts';
import { call, doc, readRecord, tokenFor } from './support.ts';

const nothing = (counts: Counts): Counts => Object.fromEntries(Object.keys(counts).map((name) => [name, 0]));
const kinds = (events: { kind: string }[]) => events.map((e) => e.kind).sort();

/** Every raw id this file purged: no log line may carry one (I7). */
const purgedIds: string[] = [];

afterAll(() => {
  const leaks = [...handlerLogs, ...enforcementLines].filter((line) =>
    purgedIds.some((id) => line.includes(id)),
  );
  expect(leaks).toEqual([]);
});

describe('the enforcement loop', () => {
  it('purges a past-due account from every store and keeps only what I6 allows', async () => {
    // Arrange: an account with data in every store, deactivated through the API, its grace period over
    const { id, counts } = await seedAccount('purge');
    purgedIds.push(id);
    await deactivatePastDue(id);
    const email = `${id}@example.com`;

    // Act
    const swept = await enforcement.sweepNow();
    const drained = await enforcement.drainPurgeQueue();
    // The next sweep finds the purged notice due; sending it erases the address it kept.
    await enforcement.sweepNow();
    await enforcement.drainNoticeQueue();

    // Assert: claimed, purged in one message, gone from every store
    expect(swept.claimed).toBeGreaterThanOrEqual(1);
    expect(drained).toEqual({ records: 1, failed: 0 });
    expect(await remaining(id)).toEqual(nothing(counts));
    const view = await viewOf(id);
    expect(view.status).toBe(200);
    expect(view.json).toEqual({ accountId: id, status: 'PURGED', purgedAt: expect.any(String) });

    // Assert: the receipt, under the subject, counts exactly what was seeded, in purge order
    const receipt = await receiptOf(id);
    expect(receipt?.subject).toBe(subject(id));
    expect(receipt?.targets.map((t) => t.name)).toEqual(purgeOrder(purgeMap).map((s) => s.name));
    expect(receiptCounts(receipt)).toEqual(counts);

    // Assert: the audit trail, keyed by subject, tells the story with counts and target names only
    const trail = await trailOf(id);
    expect(kinds(trail)).toEqual(
      ['deactivated', 'purge-claimed', 'purged', ...purgeMap.stores.map(() => 'target-done')].sort(),
    );
    const done = Object.fromEntries(
      trail.filter((e) => e.kind === 'target-done').map((e) => [e.target, e.count]),
    );
    expect(done).toEqual(counts);

    // Assert (P6): the deletion receipt went to the address the profile had
    const receipts = (await sentMail()).filter((m) => m.destination.to.includes(email));
    expect(receipts.map((m) => m.subject)).toContain('Your Lethe Demo account has been deleted');

    // Assert (I6): no table and no object anywhere holds the id or the address
    const { TableNames = [] } = await doc.send(new ListTablesCommand({}));
    expect(TableNames).toEqual(expect.arrayContaining([accountsTable.localName, profileStore(map).table]));
    for (const table of TableNames) {
      // The outbox names the account only until its events are published (events.test.ts checks it empty then).
      if (table === outboxTable.localName) continue;
      const holding = (await scanAll(table)).filter((item) => {
        const text = JSON.stringify(item);
        return text.includes(id) || text.includes(email);
      });
      expect({ table, holding }).toEqual({ table, holding: [] });
    }
    const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
    for (const bucket of Buckets) {
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket.Name }));
      expect(Contents.filter((o) => o.Key?.includes(id))).toEqual([]);
    }
    expect(await depth(fileQueue.url)).toBe(0);

    // Assert: the loop's own lines name the account by its mask only
    expect(enforcementLines).toContain(`purge ${maskId(id)}: purged`);
  });

  it('claims neither a restored nor a held account past due, and they keep every item (I1, I2)', async () => {
    // Arrange: both deactivated and past due; one restored, one held by an operator
    const restored = await seedAccount('restored');
    const held = await seedAccount('held');
    const stale = await seedAccount('stale-index');
    const operator = await tokenFor('ops-1', { admin: true });
    for (const { id } of [restored, held]) await deactivatePastDue(id);
    await call(`/v1/accounts/${restored.id}/restore`, { method: 'POST', token: await tokenFor(restored.id) });
    await call(`/v1/accounts/${held.id}/legal-hold`, {
      method: 'PUT',
      token: operator,
      body: '{"reason":"Case 2026-114"}',
    });
    // A held account the due index still lists (as if the hold's index update lagged): the claim's condition decides.
    await doc.send(
      new PutCommand({
        TableName: accountsTable.localName,
        Item: {
          accountId: stale.id,
          status: 'DEACTIVATED',
          deactivatedAt: new Date(Date.now() - 60_000).toISOString(),
          purgeAfter: new Date(Date.now() - 1000).toISOString(),
          dueShard: dueShardOf(stale.id),
          legalHold: { reason: 'stale index', placedAt: new Date().toISOString() },
        },
      }),
    );

    // Act
    await enforcement.sweepNow();
    await enforcement.drainPurgeQueue();

    // Assert
    expect((await readRecord(restored.id))?.status).toBe('ACTIVE');
    expect((await readRecord(held.id))?.status).toBe('DEACTIVATED');
    expect((await readRecord(stale.id))?.status).toBe('DEACTIVATED');
    for (const account of [restored, held, stale]) {
      expect(await remaining(account.id)).toEqual(account.counts);
      expect(kinds(await trailOf(account.id))).not.toContain('purge-claimed');
    }

    // Act and assert: releasing the hold resumes the purge (P4)
    const released = await call(`/v1/accounts/${held.id}/legal-hold`, { method: 'DELETE', token: operator });
    expect(released.status).toBe(200);
    purgedIds.push(held.id);
    await enforcement.sweepNow();
    await enforcement.drainPurgeQueue();
    expect((await viewOf(held.id)).json.status).toBe('PURGED');
    expect(await remaining(held.id)).toEqual(nothing(held.counts));
    expect(receiptCounts(await receiptOf(held.id))).toEqual(held.counts);

    // Clean up: nothing due left behind for the next test
    await doc.send(
      new PutCommand({ TableName: accountsTable.localName, Item: { accountId: stale.id, status: 'ACTIVE' } }),
    );
  });

  it('a restore racing the claim: exactly one wins each account, and a restored account keeps everything (I1)', async () => {
    // Arrange: many past-due accounts with data
    const accounts = await Promise.all(Array.from({ length: 16 }, () => seedAccount('race')));
    await Promise.all(accounts.map(({ id }) => deactivatePastDue(id)));
    const tokens = await Promise.all(accounts.map(({ id }) => tokenFor(id)));

    // Act: one sweep and every restore at once
    const [, ...restores] = await Promise.all([
      enforcement.sweepNow(),
      ...accounts.map(({ id }, i) =>
        call(`/v1/accounts/${id}/restore`, { method: 'POST', token: tokens[i] }),
      ),
    ]);
    await enforcement.drainPurgeQueue();

    // Assert: for each account, either the restore won (200, ACTIVE, nothing claimed or deleted)
    // or the claim did (409, purged completely)
    for (const [i, { id, counts }] of accounts.entries()) {
      const restore = restores[i];
      const trail = kinds(await trailOf(id));
      if (restore?.status === 200) {
        expect(restore.json.status).toBe('ACTIVE');
        expect((await readRecord(id))?.status).toBe('ACTIVE');
        expect(await remaining(id)).toEqual(counts);
        expect(trail).toContain('restored');
        expect(trail).not.toContain('purge-claimed');
      } else {
        purgedIds.push(id);
        expect(restore?.status).toBe(409);
        expect((await viewOf(id)).json.status).toBe('PURGED');
        expect(await remaining(id)).toEqual(nothing(counts));
        expect(receiptCounts(await receiptOf(id))).toEqual(counts);
        expect(trail).not.toContain('restored');
      }
    }
  });

  it('purges once, with exact counts, when the same job is delivered again and again', async () => {
    // Arrange: a claimed account of several pages, its job queued by the sweep, and three duplicates;
    // invocations of one record each with time for about one page, so duplicates and continuations interleave
    const { id, counts } = await seedAccount('dup', 3000);
    purgedIds.push(id);
    await deactivatePastDue(id);
    await enforcement.sweepNow();
    const body = JSON.stringify({ accountId: id });
    await sendJobs(fileQueue, [body, body, body]);
    const lines: string[] = [];
    const oneAtATime = startQueuePoller({
      sqs,
      queue: { ...fileQueue, definition: { ...fileQueue.definition, batchSize: 1 } },
      name: 'purge-worker',
      handler: purgeWorkerHandler,
      timeoutMs: RESERVE_MS + 200,
      autoStart: false,
      onError: (line) => lines.push(line),
    });

    // Act
    const drained = await oneAtATime.drain();
    await oneAtATime.stop();

    // Assert: every delivery took its turn from the latest checkpoint; one purge, counted once
    expect(lines).toEqual([]);
    expect(drained.failed).toBe(0);
    expect(drained.records).toBeGreaterThan(4);
    expect(await remaining(id)).toEqual(nothing(counts));
    expect(receiptCounts(await receiptOf(id))).toEqual(counts);
    const trail = await trailOf(id);
    expect(trail.filter((e) => e.kind === 'purged')).toHaveLength(1);
    expect(trail.filter((e) => e.kind === 'purge-claimed')).toHaveLength(1);
    expect(trail.filter((e) => e.kind === 'target-done')).toHaveLength(purgeMap.stores.length);
  });

  it('purges once when duplicates of a job arrive in the same batch and run at once', async () => {
    // Arrange: the sweep's job and three duplicates, all received in one batch (handled concurrently)
    const { id, counts } = await seedAccount('dup-batch', 40);
    purgedIds.push(id);
    await deactivatePastDue(id);
    await enforcement.sweepNow();
    const body = JSON.stringify({ accountId: id });
    await sendJobs(fileQueue, [body, body, body]);

    // Act
    const drained = await enforcement.drainPurgeQueue();

    // Assert: one purge, everything gone, one receipt and one trail
    expect(drained).toEqual({ records: 4, failed: 0 });
    expect(await remaining(id)).toEqual(nothing(counts));
    const trail = await trailOf(id);
    expect(trail.filter((e) => e.kind === 'purged')).toHaveLength(1);
    expect(trail.filter((e) => e.kind === 'target-done')).toHaveLength(purgeMap.stores.length);
    // Counts are not exact here yet: two deliveries racing on one page both delete, but only the one that
    // saves the checkpoint counts, and it may have found fewer items than the other deleted. A purge
    // worker that takes the purge for one invocation at a time would make them exact; a receipt never
    // over-counts either way.
    const receipt = receiptCounts(await receiptOf(id));
    for (const [store, seeded] of Object.entries(counts)) expect(receipt[store]).toBeLessThanOrEqual(seeded);
  });

  it('logs "already purged" for a duplicate job, in this run and after a restart (read from the tombstone)', async () => {
    // Arrange: a past-due account, its job queued by the sweep and once more by hand
    const { id } = await seedAccount('dup-log');
    purgedIds.push(id);
    await deactivatePastDue(id);
    await enforcement.sweepNow();
    const body = JSON.stringify({ accountId: id });
    await sendJobs(fileQueue, [body]);
    const mine = (lines: readonly string[]) =>
      lines.filter((line) => line.startsWith(`purge ${maskId(id)}:`));
    const before = enforcementLines.length;

    // Act: this run handles both
    await enforcement.drainPurgeQueue();

    // Assert: one purge, and the duplicate says it did nothing
    expect(mine(enforcementLines.slice(before))).toEqual([
      `purge ${maskId(id)}: purged`,
      `purge ${maskId(id)}: already purged`,
    ]);

    // Act: a new loop, as after a restart with LETHE_DATA_DIR (nothing in memory), gets the same job again
    const lines: string[] = [];
    const restarted = await startEnforcement({
      sqs,
      doc,
      map,
      purgeQueue: fileQueue,
      subjectKey: process.env.LETHE_SUBJECT_KEY ?? '',
      sweepIntervalMs: 60_000,
      autoStart: false,
      retention: false,
      log: (line) => lines.push(line),
      warn: (line) => lines.push(`WARN ${line}`),
    });
    try {
      await sendJobs(fileQueue, [body]);
      await restarted.drainPurgeQueue();
    } finally {
      await restarted.stop();
    }

    // Assert: still a duplicate, not a purge
    expect(mine(lines)).toEqual([`purge ${maskId(id)}: already purged`]);
  });

  it('purges an account far larger than one invocation can, continuing from checkpoints (I3)', async () => {
    // Arrange: 3,000 extra items, and an invocation budget that leaves time for about one page
    const { id, counts } = await seedAccount('large', 3000);
    purgedIds.push(id);
    await deactivatePastDue(id);
    const lines: string[] = [];
    const shortLived = startQueuePoller({
      sqs,
      queue: fileQueue,
      name: 'purge-worker',
      handler: purgeWorkerHandler,
      timeoutMs: RESERVE_MS + 200,
      autoStart: false,
      onError: (line) => lines.push(line),
    });

    // Act
    await enforcement.sweepNow();
    const drained = await shortLived.drain();
    await shortLived.stop();

    // Assert: more than one continuation, none past its timeout, and the counts exact
    expect(lines).toEqual([]);
    expect(drained.failed).toBe(0);
    expect(drained.records - 1).toBeGreaterThan(1);
    expect(await remaining(id)).toEqual(nothing(counts));
    expect(receiptCounts(await receiptOf(id))).toEqual(counts);
    expect(counts.content).toBe(3005);
  });

  it('runs on its own as `npm start` runs it: the sweeper on a timer, the queue polled', async () => {
    // Arrange
    const { id, counts } = await seedAccount('auto');
    purgedIds.push(id);
    const lines: string[] = [];
    const loop = await startEnforcement({
      sqs,
      doc,
      map,
      purgeQueue: fileQueue,
      subjectKey: process.env.LETHE_SUBJECT_KEY ?? '',
      sweepIntervalMs: 300,
      // Retention runs at every sweep of `npm start` too; retention.test.ts counts items around such runs
      // and must be the only file deleting expired demo items.
      retention: false,
      log: (line) => lines.push(line),
      warn: (line) => lines.push(`WARN ${line}`),
    });

    // Act: deactivate as a user would and let the grace period run out
    try {
      await deactivatePastDue(id);
      await eventually(
        async () => ((await viewOf(id)).json.status === 'PURGED' ? true : undefined),
        15_000,
        'the loop to purge the account',
      );
    } finally {
      await loop.stop();
    }

    // Assert
    expect(await remaining(id)).toEqual(nothing(counts));
    // Notices other tests left due are queued too, and each sweep runs retention (retention.test.ts covers
    // both); this test is about the purge.
    const purgeLines = lines.filter(
      (line) => !/ notices? due, queued/.test(line) && !line.startsWith('retention '),
    );
    expect(purgeLines).toEqual([
      expect.stringMatching(/^sweep: claimed 1 of (1 due account|\d+ due accounts) /),
      `purge ${maskId(id)}: purged`,
    ]);
  });

  it("prints a sweep's own lines before what its jobs did, though the pollers run meanwhile", async () => {
    // Arrange: an account deactivated now, whose deactivation notice the next sweep queues
    const { id } = await seedAccount('order');
    purgedIds.push(id);
    const lines: string[] = [];
    const loop = await startEnforcement({
      sqs,
      doc,
      map,
      purgeQueue: fileQueue,
      noticeQueue: fileNoticeQueue,
      subjectKey: process.env.LETHE_SUBJECT_KEY ?? '',
      sweepIntervalMs: 300,
      retention: false,
      log: (line) => lines.push(line),
      warn: (line) => lines.push(`WARN ${line}`),
    });
    const sent = (line: string) => /^notice deactivated to .+: sent$/.test(line);

    // Act
    try {
      const response = await call(`/v1/accounts/${id}/deactivate`, {
        method: 'POST',
        token: await tokenFor(id),
      });
      expect(response.status).toBe(202);
      await eventually(async () => (lines.some(sent) ? true : undefined), 15_000, 'the notice to go out');
    } finally {
      await loop.stop();
    }

    // Assert: "N notices due" first, then the sender's "sent" (the sender used to answer before the sweep did)
    const due = lines.findIndex((line) => / notices? due, queued to send$/.test(line));
    expect(due).toBeGreaterThanOrEqual(0);
    expect(due).toBeLessThan(lines.findIndex(sent));
  });

  it('leaves the purge of a deactivated account that is not yet due alone (I2)', async () => {
    const { id, counts } = await seedAccount('not-due');
    await call(`/v1/accounts/${id}/deactivate`, { method: 'POST', token: await tokenFor(id) });
    await enforcement.sweepNow();
    await enforcement.drainPurgeQueue();
    expect((await readRecord(id))?.status).toBe('DEACTIVATED');
    expect(await remaining(id)).toEqual(counts);
    // Once due, the next sweep takes it.
    await backdate(id);
    purgedIds.push(id);
    await enforcement.sweepNow();
    await enforcement.drainPurgeQueue();
    expect(await remaining(id)).toEqual(nothing(counts));
  });
});

describe('legal holds keep their record and their word', () => {
  const updateItem = (key: string, set: string, values: Record<string, unknown>) =>
    doc.send(
      new UpdateCommand({
        TableName: accountsTable.localName,
        Key: { accountId: key },
        UpdateExpression: `SET ${set}`,
        ExpressionAttributeValues: values,
      }),
    );
  const mailTo = async (accountId: string) =>
    (await sentMail()).filter((m) => m.destination.to.includes(`${accountId}@example.com`));

  it('sends no reminder under a hold; released before the date, the reminder now due goes out, once', async () => {
    // Arrange: deactivated, held, and the 7-day reminder's time come (the date two days ahead)
    const { id } = await seedAccount('held-reminder');
    const operator = await tokenFor('ops-1', { admin: true });
    const deactivated = await call(`/v1/accounts/${id}/deactivate`, {
      method: 'POST',
      token: await tokenFor(id),
    });
    await call(`/v1/accounts/${id}/legal-hold`, {
      method: 'PUT',
      token: operator,
      body: '{"reason":"Case 7"}',
    });
    const purgeAfter = new Date(Date.now() + 2 * 86_400_000).toISOString();
    await updateItem(id, 'purgeAfter = :p', { ':p': purgeAfter });
    const reminderKey = noticeKey(subject(id), deactivated.json.deactivatedAt, 'reminder-P7D');
    await updateItem(reminderKey, 'noticeDueAt = :past', {
      ':past': new Date(Date.now() - 1000).toISOString(),
    });

    // Act: a sweep while held
    await enforcement.sweepNow();
    await enforcement.drainNoticeQueue();

    // Assert: the deactivation notice went, promising no date (deletion is paused); the reminder did not, and waits
    const whileHeld = await mailTo(id);
    expect(whileHeld.map((m) => m.subject)).toEqual(['Your Lethe Demo account is deactivated']);
    expect((await readRecord(reminderKey))?.state).toBe('HELD');
    expect((await readRecord(reminderKey))?.noticeShard).toBeUndefined();
    // The local log names the kind and what became of it (never an address; a demo id for demo accounts)
    expect(enforcementLines).toContain(
      'notice reminder-P7D to an account outside the demo set: held back (a legal hold is on)',
    );

    // Act: release before the date, then the next sweeps
    const released = await call(`/v1/accounts/${id}/legal-hold`, { method: 'DELETE', token: operator });
    await enforcement.sweepNow();
    await enforcement.drainNoticeQueue();
    await enforcement.sweepNow();
    await enforcement.drainNoticeQueue();

    // Assert: the reminder now due went out once; the 1-day one still waits for its time
    expect(released.status).toBe(200);
    const reminders = (await mailTo(id)).filter((m) => m.subject.startsWith('Reminder:'));
    expect(reminders).toHaveLength(1);
    expect((await readRecord(reminderKey))?.state).toBe('SENT');
    const dayBefore = await readRecord(
      noticeKey(subject(id), deactivated.json.deactivatedAt, 'reminder-P1D'),
    );
    expect(dayBefore?.state).toBe('PENDING');

    // Clean up: restored, so nothing is due for the next test
    await call(`/v1/accounts/${id}/restore`, { method: 'POST', token: await tokenFor(id) });
  });

  it("keeps the first hold, records who and why, says when a purge held past its date runs, and erases the user's reason", async () => {
    // Arrange: deactivated with a reason, held twice by two operators
    const { id } = await seedAccount('held-past');
    purgedIds.push(id);
    const first = await tokenFor('ops-1', { admin: true });
    const second = await tokenFor('ops-2', { admin: true });
    await call(`/v1/accounts/${id}/deactivate`, {
      method: 'POST',
      token: await tokenFor(id),
      body: '{"reason":"moving to another service"}',
    });

    // Act: place the hold twice
    const placed = await call(`/v1/accounts/${id}/legal-hold`, {
      method: 'PUT',
      token: first,
      body: '{"reason":"Case 2026-114"}',
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await call(`/v1/accounts/${id}/legal-hold`, {
      method: 'PUT',
      token: second,
      body: '{"reason":"Case 2026-999"}',
    });

    // Assert: the first hold stands, one event records it with its operator and reason
    expect(placed.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.json.legalHold).toEqual(placed.json.legalHold);
    expect(again.json.legalHold.reason).toBe('Case 2026-114');
    expect(again.json.reason).toBe('moving to another service');
    expect((await viewOf(id)).json).not.toHaveProperty('reason');
    const holdEvents = (await trailOf(id)).filter((e) => e.kind === 'hold-placed');
    expect(holdEvents).toEqual([
      expect.objectContaining({ actor: 'operator', actorId: 'ops-1', reason: 'Case 2026-114' }),
    ]);

    // Act: the deactivation notice goes, the date passes under the hold, then the release
    await enforcement.sweepNow();
    await enforcement.drainNoticeQueue();
    await backdate(id);
    const released = await call(`/v1/accounts/${id}/legal-hold`, { method: 'DELETE', token: second });
    await enforcement.sweepNow();
    await enforcement.drainNoticeQueue();

    // Assert: the user is told the purge now runs, and by when (the release plus one sweep interval)
    expect(released.status).toBe(200);
    const resumed = (await mailTo(id)).filter(
      (m) => m.subject === 'Your Lethe Demo account will now be deleted',
    );
    expect(resumed).toHaveLength(1);
    expect(resumed[0]?.body.text).toContain('We had to keep it longer for a legal obligation');

    // Act: the purge runs, and its receipt goes
    await enforcement.drainPurgeQueue();
    await enforcement.sweepNow();
    await enforcement.drainNoticeQueue();

    // Assert: purged; the trail keeps the operators and the case number past release and purge,
    // and no longer the user's own words (I6)
    expect((await viewOf(id)).json.status).toBe('PURGED');
    const trail = await trailOf(id);
    expect(trail.find((e) => e.kind === 'hold-released')).toEqual(
      expect.objectContaining({ actor: 'operator', actorId: 'ops-2', reason: 'Case 2026-114' }),
    );
    expect(trail.find((e) => e.kind === 'hold-placed')).toEqual(
      expect.objectContaining({ actorId: 'ops-1', reason: 'Case 2026-114' }),
    );
    const deactivatedEvent = trail.find((e) => e.kind === 'deactivated');
    expect(deactivatedEvent).toBeDefined();
    expect(deactivatedEvent).not.toHaveProperty('reason');
    expect(JSON.stringify(trail)).not.toContain('moving to another service');
    expect((await mailTo(id)).map((m) => m.subject)).toContain('Your Lethe Demo account has been deleted');
  });
});

describe('lethe sweep --yes', () => {
  const portOf = (url: string) => new URL(url).port;
  const cliEnv = {
    LETHE_DYNAMODB_PORT: portOf(inject('dynamodbEndpoint')),
    LETHE_SQS_S3_PORT: portOf(inject('s3Endpoint')),
    LETHE_COGNITO_PORT: portOf(inject('handlerEnvironment').AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? ''),
  };
  /**
   * What `lethe sweep --yes` runs once its arguments are parsed (cli/run.ts), on the CLI's own local
   * target and clients, with this file's purge and notice queues in place of local mode's (other files
   * read those), so this file's worker and sender drain what it enqueues.
   */
  const sweepByHand = async () => {
    const local = localTarget(cliEnv, dirname(inject('keyFile')));
    const queues: Partial<Record<ResourceName, string>> = {
      purgeQueueUrl: fileQueue.url,
      noticeQueueUrl: fileNoticeQueue.url,
    };
    const target: Target = { ...local, resource: async (name) => queues[name] ?? local.resource(name) };
    const services = new Services(target, validateDataMap(map), config.auditRetention);
    try {
      return await sweepNow(services, new Date(), {});
    } finally {
      services.close();
    }
  };
  const mailTo = async (accountId: string) =>
    (await sentMail()).filter((m) => m.destination.to.includes(`${accountId}@example.com`));

  it('sends the notices it finds due, as the scheduled sweep does: the reminder, then the receipt as the purge ends', async () => {
    // Arrange: a deactivated account whose 7-day reminder is due (its date two days ahead)
    const { id, counts } = await seedAccount('cli-sweep');
    purgedIds.push(id);
    const deactivated = await call(`/v1/accounts/${id}/deactivate`, {
      method: 'POST',
      token: await tokenFor(id),
    });
    const reminderKey = noticeKey(subject(id), deactivated.json.deactivatedAt, 'reminder-P7D');
    await doc.send(
      new UpdateCommand({
        TableName: accountsTable.localName,
        Key: { accountId: id },
        UpdateExpression: 'SET purgeAfter = :p',
        ExpressionAttributeValues: { ':p': new Date(Date.now() + 2 * 86_400_000).toISOString() },
      }),
    );
    await doc.send(
      new UpdateCommand({
        TableName: accountsTable.localName,
        Key: { accountId: reminderKey },
        UpdateExpression: 'SET noticeDueAt = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    // Act: a sweep by hand, then the sender
    const first = await sweepByHand();
    await enforcement.drainNoticeQueue();

    // Assert: the deactivation notice and the reminder went out, and nothing was claimed for this account
    expect(first.noticesEnqueued).toBeGreaterThanOrEqual(2);
    expect((await mailTo(id)).map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Your Lethe Demo account will be deleted/),
        expect.stringMatching(/^Reminder:/),
      ]),
    );
    expect((await readRecord(reminderKey))?.state).toBe('SENT');
    expect((await readRecord(id))?.status).toBe('DEACTIVATED');

    // Act: the date passes; a sweep by hand claims, the worker purges, the sender drains: no other sweep
    await backdate(id);
    const second = await sweepByHand();
    await enforcement.drainPurgeQueue();
    await enforcement.drainNoticeQueue();

    // Assert: purged, and the user told so by email at once: the worker queued the receipt as the purge
    // ended (before, a hand sweep purged with no email at all, and then the receipt waited for a sweep)
    expect(second.claimed).toBeGreaterThanOrEqual(1);
    expect(await remaining(id)).toEqual(nothing(counts));
    expect((await mailTo(id)).map((m) => m.subject)).toContain('Your Lethe Demo account has been deleted');
    expect((await readRecord(receiptNoticeKey(subject(id))))?.state).toBe('SENT');

    // Act: a later sweep by hand (the scheduled one would run too)
    await sweepByHand();
    await enforcement.drainNoticeQueue();

    // Assert: it finds nothing more to send: one receipt (I4)
    expect(
      (await mailTo(id)).filter((m) => m.subject === 'Your Lethe Demo account has been deleted'),
    ).toHaveLength(1);
  });
});
