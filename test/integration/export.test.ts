/**
 * Data export (P7) end to end against the stand-ins: ask over HTTP, run the
 * real export worker on the export queue as Lambda would, download through
 * the presigned URL, unzip, and compare with a direct read of every store.
 * Only this file drains the export queue.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import yauzl from 'yauzl';
import {
  cognitoStores,
  dynamoStores,
  fillTemplate,
  type S3PrefixStore,
  s3Stores,
} from '../../functions/core/data-map.ts';
import { startPurge } from '../../functions/core/purge.ts';
import { accountsTable, exportQueue, exportsBucket, exportsTable } from '../../functions/core/resources.ts';
import { purgeAccount } from '../../functions/enforcement/purge.ts';
import { startExportWorker } from '../../local/exports.ts';
import { createQueue } from '../../local/resources.ts';
import { deps, map, s3, seedAccount, sqs } from './enforcement-support.ts';
import { call, doc, newAccount, tokenFor } from './support.ts';

const environment = inject('handlerEnvironment');
const exportsQueue = await createQueue(sqs, environment.AWS_ENDPOINT_URL_SQS ?? '', exportQueue);
const worker = await startExportWorker({ sqs, exportQueue: exportsQueue, autoStart: false });

const askExport = async (accountId: string, token?: string) =>
  call(`/v1/accounts/${accountId}/export`, { method: 'POST', token: token ?? (await tokenFor(accountId)) });
const getExport = async (accountId: string, exportId: string, token?: string) =>
  call(`/v1/accounts/${accountId}/exports/${exportId}`, { token: token ?? (await tokenFor(accountId)) });

/** Every entry of a ZIP, by name, with its bytes. */
const unzip = (zip: Buffer) =>
  new Promise<Map<string, Buffer>>((resolve, reject) => {
    const entries = new Map<string, Buffer>();
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error);
      file.on('error', reject);
      file.on('end', () => resolve(entries));
      file.on('entry', (entry: yauzl.Entry) => {
        if (entries.has(entry.fileName)) return reject(new Error(`${entry.fileName} twice in the archive`));
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });

/** Stable JSON: keys sorted, so an item compares equal whatever order its attributes came in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/** What a store holds for the account, read directly. */
const directItems = async (accountId: string) => {
  const byStore = new Map<string, string[]>();
  for (const store of dynamoStores(map)) {
    const { Items = [] } = await doc.send(
      new QueryCommand(
        store.kind === 'dynamodb-partition'
          ? {
              TableName: store.table,
              KeyConditionExpression: '#k = :v',
              ExpressionAttributeNames: { '#k': store.key.partitionKey },
              ExpressionAttributeValues: { ':v': fillTemplate(store.keyTemplate, accountId) },
            }
          : {
              TableName: store.table,
              IndexName: store.index,
              KeyConditionExpression: '#k = :v',
              ExpressionAttributeNames: { '#k': store.attribute },
              ExpressionAttributeValues: { ':v': accountId },
            },
      ),
    );
    byStore.set(store.name, Items.map(canonical).sort());
  }
  return byStore;
};

const directObjects = async (store: S3PrefixStore, accountId: string) => {
  const prefix = fillTemplate(store.prefix, accountId);
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: prefix }));
  const objects = new Map<string, Buffer>();
  for (const { Key = '' } of Contents) {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: store.bucket, Key }));
    objects.set(
      `files/${store.name}/${Key.slice(prefix.length)}`,
      Buffer.from(await Body!.transformToByteArray()),
    );
  }
  return objects;
};

const archivesOf = async (accountId: string) => {
  const { Contents = [] } = await s3.send(
    new ListObjectsV2Command({
      Bucket: exportsBucket.localName,
      Prefix: fillTemplate(exportsBucket.prefix, accountId),
    }),
  );
  return Contents;
};

const recordsOf = async (accountId: string) =>
  (
    await doc.send(
      new QueryCommand({
        TableName: exportsTable.localName,
        KeyConditionExpression: 'accountId = :a',
        ExpressionAttributeValues: { ':a': accountId },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

/** Asks, runs the worker, and answers the READY export. */
const exportReady = async (accountId: string) => {
  const asked = await askExport(accountId);
  expect(asked.status).toBe(202);
  await worker.drain();
  const ready = await getExport(accountId, asked.json.exportId);
  expect(ready.json.status).toBe('READY');
  return ready.json as { exportId: string; downloadUrl: string; expiresAt: string };
};

describe('data export', () => {
  it('hands the owner an archive with every item of every store exactly once (P7)', async () => {
    // Arrange: an account with data in every store of the data map, past one Query page
    const { id } = await seedAccount('export', 1200);

    // Act: ask, run the worker, read the export back
    const asked = await askExport(id);
    const pending = await getExport(id, asked.json.exportId);
    await worker.drain();
    const ready = await getExport(id, asked.json.exportId);

    // Assert: PENDING until the worker ran, then READY with a link for 24 hours
    expect(asked.status).toBe(202);
    expect(asked.json).toMatchObject({ status: 'PENDING', exportId: expect.any(String) });
    expect(pending.json.status).toBe('PENDING');
    expect(ready.status).toBe(200);
    expect(ready.json.status).toBe('READY');
    const expiresIn = Date.parse(ready.json.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(23.9 * 3_600_000);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3_600_000);

    // Act: download through the presigned URL (the S3 stand-in, path-style, on loopback)
    const url = new URL(ready.json.downloadUrl);
    const download = await fetch(url);
    const entries = await unzip(Buffer.from(await download.arrayBuffer()));

    // Assert: every DynamoDB item once, as NDJSON, equal to a direct read
    expect(url.hostname).toBe('127.0.0.1');
    expect(download.status).toBe(200);
    for (const [store, items] of await directItems(id)) {
      const lines = (entries.get(`data/${store}.ndjson`)?.toString('utf8') ?? '').split('\n').filter(Boolean);
      expect(lines.map((line) => canonical(JSON.parse(line))).sort(), store).toEqual(items);
    }
    // ... every object once, byte for byte
    for (const store of s3Stores(map)) {
      const objects = await directObjects(store, id);
      expect(objects.size).toBeGreaterThan(0);
      for (const [name, bytes] of objects) expect(entries.get(name)?.equals(bytes), name).toBe(true);
      expect([...entries.keys()].filter((n) => n.startsWith(`files/${store.name}/`)).sort()).toEqual(
        [...objects.keys()].sort(),
      );
    }
    // ... the sign-in user: username, state and attributes, never a password hash or an MFA secret
    for (const store of cognitoStores(map)) {
      const user = JSON.parse(entries.get(`data/${store.name}.json`)?.toString('utf8') ?? '{}');
      expect(user).toMatchObject({ username: id, enabled: true, attributes: { email: `${id}@example.com` } });
      expect(Object.keys(user).sort()).toEqual([
        'attributes',
        'createdAt',
        'enabled',
        'modifiedAt',
        'status',
        'username',
      ]);
      for (const name of Object.keys(user.attributes)) expect(name).not.toMatch(/password|secret|mfa|totp/i);
    }
    // ... a manifest with the counts and a README a person can read
    const manifest = JSON.parse(entries.get('manifest.json')?.toString('utf8') ?? '{}');
    expect(manifest).toMatchObject({ schemaVersion: 1, accountId: id, exportId: asked.json.exportId });
    for (const [store, items] of await directItems(id)) {
      expect(manifest.stores.find((s: { name: string }) => s.name === store).items).toBe(items.length);
    }
    expect(entries.get('README.txt')?.toString('utf8')).toContain('everything we keep about your account');
    expect([...entries.keys()].sort()).toEqual(
      [
        'README.txt',
        'manifest.json',
        ...dynamoStores(map).map((s) => `data/${s.name}.ndjson`),
        // The sign-in user seedAccount created in the user pool: its attributes, never a password hash.
        ...cognitoStores(map).map((s) => `data/${s.name}.json`),
        ...[...entries.keys()].filter((n) => n.startsWith('files/')),
      ].sort(),
    );
  });

  it('answers the pending export when asked again, also when asked at once', async () => {
    // Arrange
    const id = await newAccount('export-again');

    // Act: two requests at once, then a third
    const [a, b] = await Promise.all([askExport(id), askExport(id)]);
    const again = await askExport(id);

    // Assert: one export, created once; the others answer 200 with it
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    expect(b.json.exportId).toBe(a.json.exportId);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ exportId: a.json.exportId, status: 'PENDING' });
    expect((await recordsOf(id)).filter((r) => r.exportId !== '#pending')).toHaveLength(1);
    await worker.drain();
  });

  it('allows 3 exports a day, then answers 429 with Retry-After', async () => {
    // Arrange: three exports, each finished before the next is asked for
    const id = await newAccount('export-limit');
    for (let i = 0; i < 3; i += 1) await exportReady(id);

    // Act
    const fourth = await askExport(id);

    // Assert: refused for about a day, and nothing queued
    expect(fourth.status).toBe(429);
    expect(fourth.json.error.code).toBe('too_many_requests');
    const retryAfter = Number(fourth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(86_000);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect((await worker.drain()).records).toBe(0);
  });

  it("refuses another user's token (403), an unknown account (404) and a purging one (409)", async () => {
    // Arrange
    const id = await newAccount('export-auth');
    const other = await tokenFor(await newAccount('export-other'));
    const { exportId } = await exportReady(id);
    await doc.send(
      new PutCommand({ TableName: accountsTable.localName, Item: { accountId: id, status: 'PURGING' } }),
    );

    // Act and assert
    expect((await askExport(id, other)).status).toBe(403);
    expect((await getExport(id, exportId, other)).status).toBe(403);
    expect((await askExport('export-nobody-at-all')).status).toBe(404);
    expect((await getExport(id, '000000000-000000000000')).status).toBe(404);
    expect((await getExport(id, 'not-an-export-id')).status).toBe(400);
    expect((await askExport(id)).status).toBe(409);
    // An operator may read anyone's export.
    expect((await getExport(id, exportId, await tokenFor('ops-1', { admin: true }))).status).toBe(200);
  });

  it("deletes the account's export records and archives with the purge (I6)", async () => {
    // Arrange: an account with a READY export, claimed for purge without a sweep
    const { id } = await seedAccount('export-purge');
    const { exportId } = await exportReady(id);
    expect(await archivesOf(id)).toHaveLength(1);
    const now = new Date().toISOString();
    await doc.send(
      new PutCommand({
        TableName: accountsTable.localName,
        Item: { accountId: id, status: 'DEACTIVATED', deactivatedAt: now, purgeAfter: now },
      }),
    );
    const lease = new Date(Date.now() + deps.timing.leaseMs).toISOString();
    expect(await deps.purgeState.claim(id, now, lease, startPurge(now))).toBe(true);

    // Act
    const result = await purgeAccount(
      {
        map: deps.map,
        claims: deps.purgeState,
        purger: deps.storePurger,
        processors: deps.processors,
        queue: deps.purgeQueue,
        now: () => new Date(),
        remainingMs: () => 60_000,
      },
      id,
      deps.timing,
    );

    // Assert: no record and no archive of the account is left, and the export is gone
    expect(result.outcome).toBe('purged');
    expect(await recordsOf(id)).toEqual([]);
    expect(await archivesOf(id)).toEqual([]);
    expect((await getExport(id, exportId)).status).toBe(404);
  });
});
