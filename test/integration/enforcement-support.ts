/**
 * The enforcement handlers, run in this test worker as Lambda runs them: with
 * the environment the local app gives its handlers, and loaded only after it
 * is set, as at a cold start. Each test file that imports this gets a purge
 * queue (and DLQ) of its own, so a drain here never takes another file's
 * messages. The sweep is global (it reads the whole due index), so only one
 * test file sweeps; the others keep their accounts out of the due index.
 *
 * Handler log lines are kept for the file's own checks and appended to the
 * run's log file, which the global teardown checks for personal data (I7).
 *
 * Import what reads env (functions/commons, adapters, enforcement) from here,
 * never directly: import order is not evaluation order once imports are sorted.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { CognitoUsers } from '../../functions/adapters/cognito-users.ts';
import {
  cognitoStores,
  type DataMap,
  fillTemplate,
  profileStore,
  type Store,
} from '../../functions/core/data-map.ts';
import { withExportTargets } from '../../functions/core/export.ts';
import {
  accountsTable,
  auditTable,
  exportsBucket,
  exportsTable,
  noticeQueue,
  purgeQueue,
} from '../../functions/core/resources.ts';
import { subjectOf } from '../../functions/core/subject.ts';
import { config } from '../../lethe.config.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/app.ts';
import { startEnforcement } from '../../local/enforcement.ts';
import { createQueue, type LocalQueue, type QueueOptions } from '../../local/resources.ts';
import {
  batchWrite,
  demoItems,
  demoUploads,
  putUploads,
  seedDemoUsers,
  YOUNG_AGES,
} from '../../local/seed.ts';
import { call, doc, tokenFor } from './support.ts';

export const map: DataMap = config.dataMap;
/** What the purge walks: the data map, then Lethe's own export records and archives (I6). */
export const purgeMap: DataMap = withExportTargets(map, exportsTable.localName, exportsBucket.localName);

/**
 * Stop taking pages with this much time left. Longer than any one page takes
 * here, so a handler never overruns its budget; a test shortens the budget,
 * not this, to force continuations.
 */
export const RESERVE_MS = 3000;

const environment = inject('handlerEnvironment');
Object.assign(process.env, environment, { LETHE_RESERVE_MS: String(RESERVE_MS) });
const sqsEndpoint = environment.AWS_ENDPOINT_URL_SQS ?? '';
const s3Endpoint = environment.AWS_ENDPOINT_URL_S3 ?? '';
const subjectKey = environment.LETHE_SUBJECT_KEY ?? '';

export const sqs = new SQSClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: sqsEndpoint,
  useQueueUrlAsEndpoint: false,
});
/** The Cognito stand-in, through the same adapter the purge worker uses. */
export const cognitoUsers = new CognitoUsers(
  new CognitoIdentityProviderClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: environment.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? '',
  }),
  environment.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
);

export const s3 = new S3Client({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: s3Endpoint,
  forcePathStyle: true,
});

/** A queue like the purge queue, under a name of this file's own. */
export const privateQueue = (label: string, options: QueueOptions = {}) =>
  createQueue(
    sqs,
    sqsEndpoint,
    { ...purgeQueue, localName: `lethe-purge-${label}-${randomUUID().slice(0, 8)}` },
    options,
  );

export const fileQueue: LocalQueue = await privateQueue('it');
process.env[purgeQueue.env] = fileQueue.url;
process.env[purgeQueue.dlqEnv] = fileQueue.dlqUrl;
/** A notice queue of this file's own, too: what its sweeps find due is sent by its own sender. */
export const fileNoticeQueue: LocalQueue = await createQueue(sqs, sqsEndpoint, {
  ...noticeQueue,
  localName: `lethe-notices-it-${randomUUID().slice(0, 8)}`,
});
process.env[noticeQueue.env] = fileNoticeQueue.url;
process.env[noticeQueue.dlqEnv] = fileNoticeQueue.dlqUrl;

/** Every mail the SES stand-in has taken. */
export const sentMail = async (): Promise<
  { destination: { to: string[] }; subject: string; body: { text: string; html: string }; at: number }[]
> => {
  const response = await fetch(`${environment.AWS_ENDPOINT_URL_SESV2}/store`);
  return ((await response.json()) as { emails: [] }).emails;
};

// Handler output: JSON lines from Powertools. Kept, and diverted to the run's log file.
export const handlerLogs: string[] = [];
const logFile = inject('logFile');
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
  const text = String(chunk);
  if (text.startsWith('{"level"')) {
    handlerLogs.push(...text.split('\n').filter(Boolean));
    appendFileSync(logFile, text);
    return true;
  }
  return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

// The real handlers and their dependencies, loaded now that env is set.
export const { handler: sweeperHandler } = await import('../../functions/workers/sweeper.ts');
export const { handler: purgeWorkerHandler } = await import('../../functions/workers/purge-worker.ts');
export const deps = {
  ...(await import('../../functions/workers/enforcement-deps.ts')),
  ...(await import('../../functions/workers/purge-deps.ts')),
};
export { maskId } from '../../functions/core/account-id.ts';
export const { readJob } = await import('../../functions/commons/unreadable-jobs.ts');

/** The enforcement loop of `npm start`, driven by hand: nothing runs until a test sweeps or drains. */
export const enforcementLines: string[] = [];
export const enforcement = await startEnforcement({
  sqs,
  doc,
  map,
  purgeQueue: fileQueue,
  noticeQueue: fileNoticeQueue,
  subjectKey,
  sweepIntervalMs: 60_000,
  autoStart: false,
  // Retention has its own file (retention.test.ts); these sweeps are the purge's.
  retention: false,
  log: (line) => enforcementLines.push(line),
  warn: (line) => enforcementLines.push(`WARN ${line}`),
});

export const subject = (accountId: string) => subjectOf(subjectKey, accountId);

// ---------------------------------------------------------------------------------------------------------------
// Accounts with data in every store

export type Counts = Record<string, number>;

/**
 * A fresh account with the demo data in every store of the data map, plus
 * `extraNotes` more items in each partition store. Returns the items per store.
 */
export const seedAccount = async (
  prefix: string,
  extraNotes = 0,
): Promise<{ id: string; counts: Counts }> => {
  const id = `${prefix}-${randomUUID()}`;
  // Items inside their retention windows only: a retention run elsewhere never changes these counts.
  const byTable = demoItems(map, id, 0, YOUNG_AGES);
  const counts: Counts = {};
  for (const store of map.stores) {
    if (store.kind === 'dynamodb-partition') {
      const pk = fillTemplate(store.keyTemplate, id);
      const items = byTable.get(store.table) ?? [];
      const { sortKey } = store.key;
      if (store.name !== profileStore(map).name && sortKey) {
        for (let i = 0; i < extraNotes; i += 1) {
          items.push({ [store.key.partitionKey]: pk, [sortKey]: `EXTRA#${i}`, body: 'x' });
        }
      }
      counts[store.name] = items.filter((item) => item[store.key.partitionKey] === pk).length;
      byTable.set(store.table, items);
    }
    if (store.kind === 'dynamodb-index') {
      counts[store.name] = (byTable.get(store.table) ?? []).filter(
        (item) => item[store.attribute] === id,
      ).length;
    }
  }
  const uploads = demoUploads(map, id, YOUNG_AGES);
  for (const upload of uploads) counts[upload.store] = (counts[upload.store] ?? 0) + 1;
  // No exports asked for: the purge finds none of Lethe's own, and says so on the receipt.
  for (const store of purgeMap.stores) counts[store.name] ??= 0;
  await Promise.all([...byTable].map(([table, items]) => batchWrite(doc, table, items)));
  await putUploads(s3, uploads);
  // A sign-in user in each user pool, as local mode seeds for demo accounts.
  await seedDemoUsers(environment.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? '', map, [id]);
  for (const store of cognitoStores(map)) counts[store.name] = 1;
  return { id, counts };
};

/** What each store holds for the account now, read consistently (the index store through a Scan of its table). */
export const remaining = async (accountId: string): Promise<Counts> => {
  const counts: Counts = {};
  for (const store of purgeMap.stores) counts[store.name] = await countIn(store, accountId);
  return counts;
};

const countIn = async (store: Store, accountId: string): Promise<number> => {
  switch (store.kind) {
    case 'dynamodb-partition': {
      let total = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: store.table,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': store.key.partitionKey },
            ExpressionAttributeValues: { ':pk': fillTemplate(store.keyTemplate, accountId) },
            ConsistentRead: true,
            Select: 'COUNT',
            ...(start && { ExclusiveStartKey: start }),
          }),
        );
        total += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
      return total;
    }
    case 'dynamodb-index': {
      const items = await scanAll(store.table);
      return items.filter((item) => item[store.attribute] === accountId).length;
    }
    case 's3-prefix': {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: store.bucket, Prefix: fillTemplate(store.prefix, accountId) }),
      );
      return page.KeyCount ?? 0;
    }
    case 'processor':
      return 0;
    case 'cognito-user-pool':
      return cognitoUsers.count(store, accountId);
  }
};

export const scanAll = async (table: string): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ...(start && { ExclusiveStartKey: start }) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle

/** Deactivates through the API (the real path: audit event, due index), then moves purgeAfter into the past. */
export const deactivatePastDue = async (accountId: string) => {
  const response = await call(`/v1/accounts/${accountId}/deactivate`, {
    method: 'POST',
    token: await tokenFor(accountId),
  });
  if (response.status !== 202) throw new Error(`deactivate answered ${response.status}`);
  await backdate(accountId);
};

/** As if the grace period had run out a second ago. */
export const backdate = (accountId: string) =>
  doc.send(
    new UpdateCommand({
      TableName: accountsTable.localName,
      Key: { accountId },
      ConditionExpression: '#status = :deactivated',
      UpdateExpression: 'SET purgeAfter = :past',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':deactivated': 'DEACTIVATED',
        ':past': new Date(Date.now() - 1000).toISOString(),
      },
    }),
  );

export const viewOf = async (accountId: string) =>
  call(`/v1/accounts/${accountId}`, { token: await tokenFor(accountId) });

// ---------------------------------------------------------------------------------------------------------------
// The audit table

export interface StoredEvent {
  readonly subject: string;
  readonly kind: string;
  readonly target?: string;
  readonly count?: number;
  readonly actor: string;
  readonly actorId?: string;
  readonly reason?: string;
}

export const trailOf = async (accountId: string): Promise<StoredEvent[]> => {
  const { Items = [] } = await doc.send(
    new QueryCommand({
      TableName: auditTable.localName,
      KeyConditionExpression: 'subject = :s AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':s': subject(accountId), ':e': 'EVENT#' },
      ConsistentRead: true,
    }),
  );
  return Items as StoredEvent[];
};

export const receiptOf = async (accountId: string) =>
  (
    await doc.send(
      new GetCommand({
        TableName: auditTable.localName,
        Key: { subject: subject(accountId), sk: 'RECEIPT' },
        ConsistentRead: true,
      }),
    )
  ).Item as { targets: { name: string; deleted: number }[]; subject: string } | undefined;

export const receiptCounts = (
  receipt: { targets: { name: string; deleted: number }[] } | undefined,
): Counts => Object.fromEntries((receipt?.targets ?? []).map((t) => [t.name, t.deleted]));

// ---------------------------------------------------------------------------------------------------------------
// Queues

export const sendJobs = (queue: LocalQueue, bodies: readonly string[]) =>
  sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queue.url,
      Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
    }),
  );

/** Visible plus in flight: zero when the queue holds nothing at all. */
export const depth = async (url: string) => {
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

export const receiveAll = async (url: string) => {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages;
};

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export const eventually = async <T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};
