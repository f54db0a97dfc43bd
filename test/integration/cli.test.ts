/**
 * The operator CLI against the stand-ins, in local mode as an operator runs
 * it: the same tables, queues and subject key the local app uses, reached
 * through the ports local mode reads from its variables.
 *
 * Sweeps are left to enforcement.test.ts (a sweep claims every due account).
 * Nothing here is due by the clock: the dry run and the purge below use a
 * clock 31 days ahead, which the real sweeps never see.
 */

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listDlq, redriveDlq } from '../../cli/commands/dlq.ts';
import { renderDlqList, renderRedrive } from '../../cli/format.ts';
import { Services } from '../../cli/services.ts';
import { localResources, localTarget, type ResourceName, type Target } from '../../cli/target.ts';
import { DataMapPurger } from '../../functions/adapters/data-map-purger.ts';
import { maskId } from '../../functions/commons/logger.ts';
import { fillTemplate, type Store } from '../../functions/core/data-map.ts';
import { startPurge } from '../../functions/core/purge.ts';
import { exportQueue, noticeQueue, purgeQueue } from '../../functions/core/resources.ts';
import { purgeAccount } from '../../functions/enforcement/purge.ts';
import { config } from '../../lethe.config.ts';
import { createQueue } from '../../local/resources.ts';
import { runLethe } from '../support/cli.ts';
import { call, doc, newAccount, readRecord, tokenFor } from './support.ts';

const portOf = (url: string) => new URL(url).port;
const env = {
  LETHE_DYNAMODB_PORT: portOf(inject('dynamodbEndpoint')),
  LETHE_SQS_S3_PORT: portOf(inject('s3Endpoint')),
  LETHE_COGNITO_PORT: portOf(inject('handlerEnvironment').AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? ''),
};
/** The directory global-setup keeps the local keys in, the subject key among them. */
const keyDir = dirname(inject('keyFile'));
const DAY = 86_400_000;
const later = () => new Date(Date.now() + 31 * DAY);

const lethe = (argv: string[], now?: Date) => runLethe(argv, env, { keyDir, ...(now && { now: () => now }) });

const map = config.dataMap;
const store = <K extends Store['kind']>(kind: K) =>
  map.stores.find((s): s is Extract<Store, { kind: K }> => s.kind === kind && s.name !== map.profile.store);

/** A fresh account with two content items and one upload, besides its profile. */
const accountWithData = async () => {
  const accountId = await newAccount('cli');
  const content = store('dynamodb-partition');
  const uploads = store('s3-prefix');
  if (!content || !uploads) throw new Error('the demo data map has a content table and an uploads prefix');
  for (const sk of ['post#1', 'post#2']) {
    await doc.send(
      new PutCommand({
        TableName: content.table,
        Item: {
          [content.key.partitionKey]: fillTemplate(content.keyTemplate, accountId),
          ...(content.key.sortKey && { [content.key.sortKey]: sk }),
        },
      }),
    );
  }
  await s3.send(
    new PutObjectCommand({
      Bucket: uploads.bucket,
      Key: `${fillTemplate(uploads.prefix, accountId)}a.txt`,
      Body: 'x',
    }),
  );
  return accountId;
};

const deactivate = async (accountId: string) => {
  const { status } = await call(`/v1/accounts/${accountId}/deactivate`, {
    method: 'POST',
    token: await tokenFor(accountId),
  });
  expect(status).toBe(202);
};

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const s3 = new S3Client({ ...local, endpoint: inject('s3Endpoint'), forcePathStyle: true });
const sqs = new SQSClient({ ...local, endpoint: inject('s3Endpoint'), useQueueUrlAsEndpoint: false });
const queues = localResources({ port: 0, sqsS3Port: Number(env.LETHE_SQS_S3_PORT) });

afterAll(() => {
  s3.destroy();
  sqs.destroy();
});

describe('lethe status', () => {
  it('shows an account the host app knows but Lethe never touched as ACTIVE', async () => {
    // Arrange
    const accountId = await newAccount('cli');

    // Act
    const { code, json, stderr } = await lethe(['status', accountId, '--json']);

    // Assert
    expect([code, stderr]).toEqual([0, '']);
    expect(json()).toEqual({ accountId, status: 'ACTIVE', recorded: false, notices: [] });
  });

  it('refuses an account nobody knows, in one line', async () => {
    const { code, stdout, stderr } = await lethe(['status', `cli-nobody-${randomUUID()}`]);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^lethe: no such account: cli-nobody-\S+ has no lifecycle record.*\n$/);
  });
});

describe('lethe hold and release', () => {
  it('place and release a hold the API sees, recorded in the audit trail with the operator named', async () => {
    // Arrange
    const accountId = await newAccount('cli');
    await deactivate(accountId);
    const admin = await tokenFor('ops-cli', { admin: true });

    // Act: hold, naming the operator
    const held = await lethe([
      'hold',
      accountId,
      '--reason',
      'Case 2026-114',
      '--operator',
      'ops-7',
      '--json',
    ]);
    const seenByApi = await call(`/v1/accounts/${accountId}`, { token: admin });

    // Assert: the API's view has the hold, and the account left the due index
    expect(held.code).toBe(0);
    expect(held.json()).toMatchObject({ action: 'hold', changed: true, account: { status: 'DEACTIVATED' } });
    expect(seenByApi.json.legalHold).toEqual({ reason: 'Case 2026-114', placedAt: expect.any(String) });
    // Placing it again changes nothing: the first reason and time stay
    const twice = await lethe(['hold', accountId, '--reason', 'Case 2026-999', '--json']);
    expect(twice.json()).toMatchObject({
      action: 'hold',
      changed: false,
      account: { legalHold: seenByApi.json.legalHold },
    });
    expect((await readRecord(accountId))?.dueShard).toBeUndefined();

    // Act: release, twice, the operator named by LETHE_OPERATOR
    const released = await runLethe(
      ['release', accountId, '--json'],
      { ...env, LETHE_OPERATOR: 'ops-8' },
      { keyDir },
    );
    const again = await lethe(['release', accountId]);

    // Assert: released once; the second changes nothing and says so
    expect(released.json()).toMatchObject({ action: 'release', changed: true, due: false });
    expect((await call(`/v1/accounts/${accountId}`, { token: admin })).json.legalHold).toBeUndefined();
    expect((await readRecord(accountId))?.dueShard).toEqual(expect.stringMatching(/^S\d+$/));
    expect(again.stdout.split('\n')[0]).toBe(`${accountId} has no legal hold: nothing changed.`);

    // Assert: the trail, oldest first
    const trail = await lethe(['audit', accountId, '--json']);
    expect(trail.json().events.map((e: { kind: string; actor: string }) => `${e.kind}:${e.actor}`)).toEqual([
      'deactivated:user',
      'hold-placed:operator',
      'hold-released:operator',
    ]);
    const table = await lethe(['audit', accountId]);
    expect(table.stdout).toMatch(/\nAT {2,}EVENT {2,}ACTOR {2,}TARGET {2,}COUNT {2,}REASON\n/);
    // Who placed and released the hold, and the case it was for, on both events
    expect(table.stdout).toMatch(/hold-placed {2,}operator ops-7 {2,}Case 2026-114\n/);
    expect(table.stdout).toMatch(/hold-released {2,}operator ops-8 {2,}Case 2026-114\n/);
    expect(table.stdout).toContain('3 events.');
  });
});

describe('lethe sweep --dry-run', () => {
  it('shows what a sweep would claim, with item counts per store, and changes nothing', async () => {
    // Arrange: one account due by the later clock, one held
    const due = await accountWithData();
    const held = await accountWithData();
    await deactivate(due);
    await deactivate(held);
    expect((await lethe(['hold', held, '--reason', 'dispute'])).code).toBe(0);
    const before = await readRecord(due);

    // Act
    const { code, json, stderr } = await lethe(['sweep', '--dry-run', '--json'], later());

    // Assert
    expect([code, stderr]).toEqual([0, '']);
    const report = json();
    expect(report.dryRun).toBe(true);
    expect(report.stores.map((s: { name: string }) => s.name)).toEqual([
      ...map.stores.filter((s) => s.name !== map.profile.store).map((s) => s.name),
      map.profile.store,
    ]);
    const mine = report.claimable.find((c: { accountId: string }) => c.accountId === due);
    expect(mine).toEqual({
      accountId: due,
      purgeAfter: before?.purgeAfter,
      why: 'due',
      counts: {
        content: 2,
        sessions: 0,
        'usage-events': 0,
        uploads: 1,
        // Processors are asked, not read: nothing to count.
        newsletter: null,
        analytics: null,
        helpdesk: null,
        thumbnails: 0,
        'sign-in': 0,
        profiles: 1,
      },
      total: 4,
    });
    expect(JSON.stringify(report)).not.toContain(held);
    expect(await readRecord(due)).toEqual(before);
  });

  it('prints a table by default', async () => {
    const { code, stdout } = await lethe(['sweep', '--dry-run'], later());

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Sweep dry run at \S+: \d+ due-index entr(y|ies) read, \d+ would be claimed\.\n/);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('Dry run: nothing was changed.');
  });
});

describe('lethe receipt', () => {
  it('refuses an account that was not purged', async () => {
    const accountId = await newAccount('cli');

    const { code, stderr } = await lethe(['receipt', accountId]);

    expect(code).toBe(1);
    expect(stderr).toBe(
      `lethe: no deletion receipt for ${accountId}: it has not been purged (lethe status ${accountId} shows its state)\n`,
    );
  });

  it('says an id nobody knows is no such account, not "not purged"', async () => {
    const { code, stderr } = await lethe(['receipt', `cli-nobody-${randomUUID()}`]);

    expect(code).toBe(1);
    expect(stderr).toMatch(/^lethe: no such account: cli-nobody-\S+ has no lifecycle record.*\n$/);
  });

  it("shows a purged account's receipt, and its status as PURGED", async () => {
    // Arrange: claimed and purged by the real use cases, on the later clock
    const accountId = await accountWithData();
    await deactivate(accountId);
    const now = later();
    const services = new Services(localTarget(env, keyDir), map, 'P1095D', { kind: 'operator', id: 'ops-9' });
    const state = await services.purgeState();
    expect(
      await state.claim(
        accountId,
        now.toISOString(),
        new Date(+now + DAY).toISOString(),
        startPurge(now.toISOString()),
      ),
    ).toBe(true);
    const purging = await lethe(['status', accountId, '--json'], now);
    const outcome = await purgeAccount(
      {
        map,
        claims: state,
        purger: new DataMapPurger(services.dynamoPurger, services.s3Purger, services.cognitoUsers),
        processors: { requestDeletion: async () => undefined },
        queue: { send: async () => undefined },
        now: () => now,
        remainingMs: () => Number.POSITIVE_INFINITY,
      },
      accountId,
      { reserveMs: 0, leaseMs: DAY, backupWindowMs: 35 * DAY },
    );
    services.close();
    expect(outcome.outcome).toBe('purged');

    // Act
    const status = await lethe(['status', accountId, '--json'], now);
    const receipt = await lethe(['receipt', accountId, '--json'], now);
    const trail = await lethe(['audit', accountId, '--json'], now);

    // Assert
    expect(purging.json()).toMatchObject({
      status: 'PURGING',
      purge: {
        leaseExpired: false,
        targets: expect.arrayContaining([expect.objectContaining({ state: 'in progress' })]),
      },
    });
    expect(status.json()).toEqual({
      accountId,
      status: 'PURGED',
      recorded: true,
      purgedAt: now.toISOString(),
    });
    expect(receipt.json()).toMatchObject({
      accountId,
      totalDeleted: 4,
      receipt: {
        finishedAt: now.toISOString(),
        targets: [
          { name: 'content', deleted: 2 },
          { name: 'sessions', deleted: 0 },
          { name: 'usage-events', deleted: 0 },
          { name: 'uploads', deleted: 1 },
          // The processors: asked, never confirmed here (this test's stand-in answers nothing back).
          { name: 'newsletter', kind: 'processor', deleted: 0, confirmation: 'pending' },
          { name: 'analytics', kind: 'processor', deleted: 0, confirmation: 'pending' },
          { name: 'helpdesk', kind: 'processor', deleted: 0, confirmation: 'pending' },
          { name: 'thumbnails', deleted: 0 },
          { name: 'sign-in', deleted: 0 },
          { name: 'profiles', deleted: 1 },
        ],
      },
    });
    expect(JSON.stringify(receipt.json().receipt)).not.toContain(accountId);
    expect(trail.json().events.map((e: { kind: string }) => e.kind)).toContain('purged');
    // The claim is the operator's who ran it (lethe sweep --yes --operator ops-9), not the sweeper's
    expect(trail.json().events).toContainEqual(
      expect.objectContaining({ kind: 'purge-claimed', actor: 'operator', actorId: 'ops-9' }),
    );
  });
});

describe('lethe dlq', () => {
  it('lists dead-lettered jobs without taking them, then moves them back to the purge queue', async () => {
    // Arrange: three failed jobs of this test's own
    const ids = [1, 2, 3].map((n) => `cli-dlq-${n}-${randomUUID()}`);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.purgeDlqUrl,
        Entries: ids.map((accountId, n) => ({ Id: String(n), MessageBody: JSON.stringify({ accountId }) })),
      }),
    );
    const mineIn = (report: { messages: { accountId?: string }[] }) =>
      report.messages.filter((m) => m.accountId && ids.includes(m.accountId));

    // Act: peek twice
    const first = await lethe(['dlq', 'list', '--json']);
    const second = await lethe(['dlq', 'list', '--json']);

    // Assert: both listings show all three, with the masked ids their log lines carry
    expect(first.code).toBe(0);
    expect(
      mineIn(first.json())
        .map((m) => m.accountId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(mineIn(second.json())).toHaveLength(3);
    for (const m of mineIn(second.json()) as { accountId: string; logId: string; receiveCount: number }[]) {
      expect(m.logId).toBe(maskId(m.accountId));
      expect(m.receiveCount).toBeGreaterThanOrEqual(2);
    }

    // Act: redrive
    const moved = await lethe(['dlq', 'redrive', '--json']);

    // Assert: the DLQ no longer holds them; the purge queue does, bodies as they were
    expect(moved.code).toBe(0);
    expect(moved.json()).toMatchObject({ from: queues.purgeDlqUrl, to: queues.purgeQueueUrl, failed: 0 });
    expect(moved.json().moved).toBeGreaterThanOrEqual(3);
    expect(mineIn((await lethe(['dlq', 'list', '--json'])).json())).toEqual([]);
    const bodies: string[] = [];
    for (let i = 0; i < 10 && bodies.length < 3; i += 1) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.purgeQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      for (const m of Messages) {
        if (ids.some((id) => m.Body?.includes(id))) bodies.push(m.Body ?? '');
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: queues.purgeQueueUrl, ReceiptHandle: m.ReceiptHandle }),
        );
      }
    }
    expect(bodies.sort()).toEqual(ids.map((accountId) => JSON.stringify({ accountId })).sort());
  });
});

describe('lethe dlq on a queue pair of its own (notices, export; an out-of-sight purge job)', () => {
  /**
   * The commands `lethe dlq list|redrive --queue <name>` run once parsed (cli/run.ts), on the CLI's own
   * local target and clients, with a queue pair of this test's own in place of local mode's (other
   * files' workers read those).
   */
  const withQueues = (overrides: Partial<Record<ResourceName, string>>) => {
    const local = localTarget(env, keyDir);
    const target: Target = { ...local, resource: async (name) => overrides[name] ?? local.resource(name) };
    return new Services(target, map, config.auditRetention);
  };
  const quiet = { isTTY: false, write: () => true };

  it('says a DLQ that shows nothing holds messages another reader has out of sight, rather than "empty"', async () => {
    // Arrange: a private queue pair; its one dead-lettered job taken out of sight, as a killed redrive leaves it
    const pair = await createQueue(sqs, inject('s3Endpoint'), {
      ...purgeQueue,
      localName: `${purgeQueue.localName}-cli-${randomUUID().slice(0, 8)}`,
    });
    const services = withQueues({ purgeQueueUrl: pair.url, purgeDlqUrl: pair.dlqUrl });
    await sqs.send(
      new SendMessageCommand({ QueueUrl: pair.dlqUrl, MessageBody: JSON.stringify({ accountId: 'x' }) }),
    );
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: pair.dlqUrl, VisibilityTimeout: 60, WaitTimeSeconds: 1 }),
    );

    try {
      // Act
      const listed = await listDlq(services, 'purge', 100, quiet);

      // Assert
      expect(listed).toMatchObject({ messages: [], inFlight: 1 });
      expect(renderDlqList(listed)).toMatch(/shows nothing now, but holds 1 message that another reader/);
    } finally {
      services.close();
    }
  });

  it.each([
    {
      queue: 'notices' as const,
      definition: noticeQueue,
      resources: ['noticeQueueUrl', 'noticeDlqUrl'] as const,
      job: (n: number) =>
        JSON.stringify({ noticeKey: `notice#${'ab'.repeat(32)}#2026-11-0${n}T00:00:00.000Z#reminder-P7D` }),
      shown: () => ({ notice: 'reminder-P7D' }),
    },
    {
      queue: 'export' as const,
      definition: exportQueue,
      resources: ['exportQueueUrl', 'exportDlqUrl'] as const,
      job: (n: number) =>
        JSON.stringify({ accountId: `cli-export-${n}`, exportId: `0mh2k3x4${n}-0123456789ab` }),
      shown: (n: number) => ({
        accountId: `cli-export-${n}`,
        logId: maskId(`cli-export-${n}`),
        exportId: `0mh2k3x4${n}-0123456789ab`,
      }),
    },
  ])(
    'lists the $queue DLQ with what each job was for and why, moves its jobs back and keeps what no worker can read',
    async (c) => {
      // Arrange: a queue pair like local mode's, two failed jobs and one a worker could not read
      const pair = await createQueue(sqs, inject('s3Endpoint'), {
        ...c.definition,
        localName: `${c.definition.localName}-cli-${randomUUID().slice(0, 8)}`,
      });
      const [queueResource, dlqResource] = c.resources;
      const services = withQueues({ [queueResource]: pair.url, [dlqResource]: pair.dlqUrl });
      const bodies = [c.job(1), c.job(2)];
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: pair.dlqUrl,
          Entries: [
            ...bodies.map((MessageBody, n) => ({ Id: String(n), MessageBody })),
            {
              Id: 'unreadable',
              MessageBody: 'not json',
              MessageAttributes: { reason: { DataType: 'String', StringValue: 'not a job' } },
            },
          ],
        }),
      );

      try {
        // Act: peek
        const listed = await listDlq(services, c.queue, 100, quiet);

        // Assert: every message, each with what it was for; the unreadable one with its body and reason
        expect(listed).toMatchObject({ queue: c.queue, queueUrl: pair.dlqUrl });
        expect(listed.messages).toEqual(
          expect.arrayContaining([
            expect.objectContaining(c.shown(1)),
            expect.objectContaining(c.shown(2)),
            expect.objectContaining({ body: 'not json', reason: 'not a job' }),
          ]),
        );
        expect(listed.messages).toHaveLength(3);
        expect(renderDlqList(listed)).toContain(`lethe dlq redrive --queue ${c.queue}`);

        // Act: redrive
        const moved = await redriveDlq(services, c.queue, undefined, quiet);

        // Assert: the jobs are back in their queue as they were; the unreadable body stays in the DLQ (moved,
        // its worker would send it straight back: the redrive would never end) and is reported
        expect(moved).toEqual({
          queue: c.queue,
          from: pair.dlqUrl,
          to: pair.url,
          moved: 2,
          failed: 0,
          unreadable: 1,
        });
        expect(renderRedrive(moved)).toContain('1 message stays in');
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: pair.url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageAttributeNames: ['All'],
          }),
        );
        expect(Messages.map((m) => m.Body).sort()).toEqual([...bodies].sort());
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        const left = await listDlq(services, c.queue, 100, quiet);
        expect(left.messages).toEqual([expect.objectContaining({ body: 'not json', reason: 'not a job' })]);
      } finally {
        services.close();
      }
    },
  );

  it('refuses an unknown queue as a usage error (exit 2)', async () => {
    const { code, stderr } = await lethe(['dlq', 'list', '--queue', 'sweep']);

    expect(code).toBe(2);
    expect(stderr).toContain('--queue must be purge, notices or export, got "sweep"');
  });

  it("reads local mode's notice and export DLQs through the bin (exit 0), and fails in one line when SQS is not there (exit 1)", async () => {
    // Act
    const notices = await lethe(['dlq', 'list', '--queue', 'notices', '--json']);
    const exports = await lethe(['dlq', 'list', '--queue', 'export', '--json']);
    const down = await runLethe(
      ['dlq', 'list', '--queue', 'export'],
      { ...env, LETHE_SQS_S3_PORT: '1' },
      { keyDir },
    );

    // Assert
    expect([notices.code, notices.stderr]).toEqual([0, '']);
    expect(notices.json()).toMatchObject({ queue: 'notices', queueUrl: queues.noticeDlqUrl });
    expect([exports.code, exports.stderr]).toEqual([0, '']);
    expect(exports.json()).toMatchObject({ queue: 'export', queueUrl: queues.exportDlqUrl });
    expect(down.code).toBe(1);
    expect(down.stdout).toBe('');
    expect(down.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('the lethe bin, run as an operator runs it', () => {
  let cwd: string;
  beforeAll(async () => {
    // A working directory whose .lethe/ is the local app's key directory, as after `npm start` there.
    cwd = await mkdtemp(join(tmpdir(), 'lethe-cli-cwd-'));
    await symlink(keyDir, join(cwd, '.lethe'));
  });
  afterAll(() => rm(cwd, { recursive: true, force: true }));

  it('prints one JSON document on stdout', async () => {
    // Arrange
    const accountId = await newAccount('cli');
    const bin = join(import.meta.dirname, '../../cli/bin.mjs');

    // Act
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [bin, 'status', accountId, '--json'],
      {
        cwd,
        env: { ...process.env, ...env },
      },
    );

    // Assert
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({ accountId, status: 'ACTIVE' });
  });
});
