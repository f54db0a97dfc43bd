/**
 * The promises made visible, end to end against the stand-ins: a processor
 * asked to delete confirms through the signed endpoint and its receipt line
 * turns confirmed; one that never answers shows overdue once its (shortened)
 * deadline passes; and `lethe list --overdue` finds an account whose purge a
 * failing store holds back. These tests never sweep (enforcement.test.ts
 * does): their accounts are claimed, or made PURGING under a live lease, so
 * no sweep takes them.
 */
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Io, run } from '../../cli/run.ts';
import { DataMapPurger } from '../../functions/adapters/data-map-purger.ts';
import { AuditLog } from '../../functions/adapters/dynamo-audit.ts';
import { DynamoConfirmations } from '../../functions/adapters/dynamo-confirmations.ts';
import { Outbox } from '../../functions/adapters/dynamo-outbox.ts';
import { DynamoPurgeState } from '../../functions/adapters/dynamo-purge-state.ts';
import { DynamoPurger } from '../../functions/adapters/dynamo-purger.ts';
import { ProcessorClient } from '../../functions/adapters/processor-client.ts';
import { S3Purger } from '../../functions/adapters/s3-purger.ts';
import { requestIdOf } from '../../functions/core/confirmations.ts';
import type { DataMap } from '../../functions/core/data-map.ts';
import { dueShardOf } from '../../functions/core/lifecycle.ts';
import { startPurge } from '../../functions/core/purge.ts';
import { accountsTable, auditTable, outboxTable } from '../../functions/core/resources.ts';
import { subjectOf } from '../../functions/core/subject.ts';
import { pollProcessors } from '../../functions/enforcement/poll-processors.ts';
import { purgeAccount } from '../../functions/enforcement/purge.ts';
import { config } from '../../lethe.config.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/app.ts';
import { type FakeProcessor, startFakeProcessor } from '../../local/fake-processor.ts';
import { doc } from './support.ts';

const environment = inject('handlerEnvironment');
const subjectKey = environment.LETHE_SUBJECT_KEY ?? '';
const portOf = (url: string) => new URL(url).port;
const cliEnv = {
  LETHE_DYNAMODB_PORT: portOf(inject('dynamodbEndpoint')),
  LETHE_SQS_S3_PORT: portOf(inject('s3Endpoint')),
};
const keyDir = dirname(inject('keyFile'));
const DEADLINE_MS = 2000;
const DELETED_AFTER_MS = 1500;

/** The demo map without its user pool, its processors given a two-second deadline, as LETHE_PROCESSOR_DEADLINE does locally. */
const map: DataMap = {
  ...config.dataMap,
  // The user pool is the sign-in follower's business (its own tests); this file purges the rest.
  stores: config.dataMap.stores
    .filter((s) => s.kind !== 'cognito-user-pool')
    .map((s) => (s.kind === 'processor' ? { ...s, deadline: 'PT2S' } : s)),
};

const lethe = async (argv: string[], now?: Date) => {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { isTTY: false, write: (text: string) => (stderr += text) },
    env: cliEnv,
  };
  const code = await run(argv, io, { keyDir, ...(now && { now: () => now }) });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
};

describe('compliance you can see', () => {
  let processor: FakeProcessor;
  const ddb = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: inject('dynamodbEndpoint'),
  });
  const s3 = new S3Client({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: inject('s3Endpoint'),
    forcePathStyle: true,
  });
  const audit = new AuditLog(doc, auditTable.localName, subjectKey, 86_400_000);
  const purgeState = new DynamoPurgeState(
    doc,
    accountsTable.localName,
    audit,
    new Outbox(outboxTable.localName),
  );
  const purgeDeps = () => ({
    map,
    claims: purgeState,
    purger: new DataMapPurger(new DynamoPurger(ddb), new S3Purger(s3)),
    processors: new ProcessorClient(subjectKey, 10_000, processor.url),
    confirmations: new DynamoConfirmations(doc, accountsTable.localName),
    queue: { send: async () => undefined },
    now: () => new Date(),
    remainingMs: () => 60_000,
  });
  const timing = {
    reserveMs: 1000,
    leaseMs: 900_000,
    backupWindowMs: 86_400_000,
    sla: { afterPurgeAfterMs: 86_400_000, outerBoundMs: 30 * 86_400_000 },
  };

  beforeAll(async () => {
    // newsletter confirms a moment after it is asked; analytics never answers; helpdesk calls nothing back
    // but answers its status URL "deleted" a second and a half after it is asked.
    processor = await startFakeProcessor({
      subjectKey,
      apiUrl: () => inject('apiUrl'),
      behaviours: {
        newsletter: { confirmAfterMs: 200 },
        analytics: 'silent',
        helpdesk: { deletedAfterMs: DELETED_AFTER_MS },
      },
    });
  });
  afterAll(async () => {
    await processor.stop();
    ddb.destroy();
    s3.destroy();
  });

  /** A deactivated account past due, claimed as a sweep would (no due-index entry: no sweep sees it). */
  const claimedAccount = async () => {
    const id = `cmp-${randomUUID().slice(0, 8)}`;
    const due = new Date(Date.now() - 60_000).toISOString();
    await doc.send(
      new PutCommand({
        TableName: accountsTable.localName,
        Item: { accountId: id, status: 'DEACTIVATED', deactivatedAt: due, purgeAfter: due },
      }),
    );
    const now = new Date().toISOString();
    expect(
      await purgeState.claim(id, now, new Date(Date.now() + 900_000).toISOString(), startPurge(now, due)),
    ).toBe(true);
    return id;
  };
  /** A processor's line on the account's receipt, as `lethe receipt --json` shows it. */
  const lineOf = async (id: string, name: string, at?: Date) => {
    const { code, json } = await lethe(['receipt', id, '--json'], at);
    expect(code).toBe(0);
    return (json().receipt.targets as { name: string; confirmation?: string; confirmedAt?: string }[]).find(
      (t) => t.name === name,
    );
  };

  it('turns a confirming processor’s receipt line confirmed, and a silent one’s overdue after its deadline', async () => {
    // Arrange
    const id = await claimedAccount();

    // Act: the purge asks every processor; newsletter's confirmation comes back through POST …/confirmations.
    const { outcome } = await purgeAccount(purgeDeps(), id, timing);
    expect(outcome).toBe('purged');
    expect(processor.received.filter((r) => r.accountId === id).map((r) => r.processor)).toEqual([
      'newsletter',
      'analytics',
      'helpdesk',
    ]);
    let newsletter = await lineOf(id, 'newsletter');
    for (let i = 0; i < 50 && newsletter?.confirmation !== 'confirmed'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      newsletter = await lineOf(id, 'newsletter');
    }

    // Assert: newsletter confirmed (with its time), analytics pending now and overdue past its deadline.
    expect(newsletter).toMatchObject({ confirmation: 'confirmed', confirmedAt: expect.any(String) });
    expect(await lineOf(id, 'analytics')).toMatchObject({ confirmation: 'pending' });
    expect(await lineOf(id, 'analytics', new Date(Date.now() + DEADLINE_MS + 1000))).toMatchObject({
      confirmation: 'overdue',
    });
    const text = await lethe(['receipt', id], new Date(Date.now() + DEADLINE_MS + 1000));
    expect(text.stdout).toMatch(/newsletter\s+processor\s+asked\s+\S+\s+\S+\s+\d{4}-\d\d-\d\dT/);
    expect(text.stdout).toMatch(/analytics\s+processor\s+asked\s+\S+\s+\S+\s+overdue/);
    expect(text.stdout).toMatch(/Deletion SLA: met/);
  });

  it('polls a status URL with backoff, and its "deleted" turns the receipt line confirmed', async () => {
    // Arrange: helpdesk is asked (with the request's id, not only the account's) and calls nothing back.
    const id = await claimedAccount();
    expect((await purgeAccount(purgeDeps(), id, timing)).outcome).toBe('purged');
    const requestId = processor.received.find(
      (r) => r.accountId === id && r.processor === 'helpdesk',
    )?.requestId;
    expect(requestId).toBe(requestIdOf(subjectOf(subjectKey, id), 'helpdesk'));
    const confirmations = new DynamoConfirmations(doc, accountsTable.localName);
    const intervalMs = 1000;
    const poll = (now: Date) =>
      pollProcessors({
        map,
        polls: confirmations,
        status: new ProcessorClient(subjectKey, 10_000, processor.url),
        intervalMs,
        now: () => now,
        remainingMs: () => 60_000,
        reserveMs: 1000,
      });
    const answers = () => processor.polled.filter((p) => p.requestId === requestId).map((p) => p.status);
    const first = new Date(Date.now() + intervalMs);

    // Act: the first poll, one interval after the request (not deleted yet); one before the next is due;
    // then the next, once the processor has deleted.
    await poll(first);
    const backedOff = await confirmations.get(subjectOf(subjectKey, id), 'helpdesk');
    await poll(new Date(first.getTime() + intervalMs));
    await new Promise((resolve) => setTimeout(resolve, DELETED_AFTER_MS));
    await poll(new Date(first.getTime() + 2 * intervalMs));

    // Assert
    expect(backedOff).toMatchObject({
      state: 'PENDING',
      polls: 1,
      nextPollAt: new Date(first.getTime() + 2 * intervalMs).toISOString(),
    });
    expect(answers()).toEqual(['pending', 'deleted']);
    expect(await lineOf(id, 'helpdesk')).toMatchObject({
      confirmation: 'confirmed',
      confirmedAt: new Date(first.getTime() + 2 * intervalMs).toISOString(),
    });
  });

  it('answers a repeated confirmation with the first one’s time, and refuses a bad signature', async () => {
    const apiUrl = inject('apiUrl');
    const refused = await fetch(`${apiUrl}/v1/processors/newsletter/confirmations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lethe-signature': 't=1,v1=00' },
      body: JSON.stringify({ accountId: 'someone' }),
    });
    expect(refused.status).toBe(401);
    const unknown = await fetch(`${apiUrl}/v1/processors/nobody/confirmations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unknown.status).toBe(404);
  });

  it('finds with `lethe list --overdue` an account whose purge a failing store holds back', async () => {
    // Arrange: due two days ago (past the P1D SLA); its purge fails at a processor answering 500.
    const id = `cmp-held-${randomUUID().slice(0, 8)}`;
    const due = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const now = new Date().toISOString();
    // PURGING under a live lease: in the due index, yet no sweep may take it from this test.
    await doc.send(
      new PutCommand({
        TableName: accountsTable.localName,
        Item: {
          accountId: id,
          status: 'PURGING',
          deactivatedAt: due,
          purgeAfter: due,
          dueShard: dueShardOf(id),
          leaseUntil: new Date(Date.now() + 3_600_000).toISOString(),
          progress: startPurge(now, due),
          progressVersion: 0,
        },
      }),
    );
    processor.failFor(id, true);
    try {
      await expect(purgeAccount(purgeDeps(), id, timing)).rejects.toThrow(/HTTP 500/);

      // Act: every page of the list, as an operator would read it.
      const found: { accountId: string; status: string; overdue: boolean }[] = [];
      let cursor: string | undefined;
      do {
        const page = await lethe([
          'list',
          '--overdue',
          '--limit',
          '20',
          '--json',
          ...(cursor ? ['--cursor', cursor] : []),
        ]);
        expect(page.code).toBe(0);
        const report = page.json();
        found.push(...report.accounts);
        cursor = report.next;
      } while (cursor);

      // Assert
      expect(found).toContainEqual(
        expect.objectContaining({ accountId: id, status: 'PURGING', overdue: true }),
      );
      const text = await lethe(['list', '--overdue', '--state', 'PURGING', '--limit', '1000']);
      expect(text.stdout).toMatch(new RegExp(`${id}\\s+PURGING\\s+.*OVERDUE \\(SLA P1D\\)`));
    } finally {
      processor.failFor(id, false);
      await doc.send(new DeleteCommand({ TableName: accountsTable.localName, Key: { accountId: id } }));
    }
  });
});
