/**
 * Builds one account's archive: walks the same data map the purge walks
 * (whatever is deleted is also exported) and streams a ZIP to the exports
 * bucket, a page and a chunk at a time, so memory stays bounded whatever the
 * account's size. Entries: README.txt, one NDJSON file per DynamoDB store,
 * the S3 objects under files/<store>/, and manifest.json with the counts.
 */
import { Readable } from 'node:stream';
import {
  type CognitoUserPoolStore,
  cognitoStores,
  type DataMap,
  type DynamoStore,
  dynamoStores,
  fillTemplate,
  type Profile,
  type ProfileReader,
  type S3PrefixStore,
  s3Stores,
  storeLabel,
} from '../core/data-map.ts';
import { ARCHIVE_SCHEMA_VERSION, archiveKeyOf } from '../core/export.ts';
import { isFinal, type Status } from '../core/lifecycle.ts';
import { FALLBACK_LANGUAGE, READMES } from '../core/messages.ts';
import { type Metrics, noMetrics } from '../core/metrics.ts';
import { dateTime, readerOf } from '../core/reader.ts';
import type { AccountStatuses, ArchiveStore, ArchiveWriter, DataMapReader, ExportRecords } from './ports.ts';

export interface ExportDeps {
  readonly map: DataMap;
  readonly productName: string;
  /** The profile's locale and time zone: the README reads in the reader's language. */
  readonly profiles: ProfileReader;
  readonly exports: ExportRecords;
  readonly accounts: AccountStatuses;
  readonly reader: DataMapReader;
  readonly archives: ArchiveStore;
  readonly now: () => Date;
  readonly metrics?: Metrics;
  /** The data map's user pools: the user's attributes and state (never a password hash or MFA secret). */
  readonly identities?: {
    read(store: CognitoUserPoolStore, accountId: string): Promise<unknown | undefined>;
  };
}

export type ExportOutcome = 'ready' | 'refused' | 'duplicate';

export interface StoreCount {
  name: string;
  kind: string;
  file: string;
  items: number;
  bytes?: number;
}

export const ndjsonName = (store: DynamoStore) => `data/${store.name}.ndjson`;
export const filesPrefix = (store: S3PrefixStore) => `files/${store.name}/`;

/** An object key as a safe relative path inside the archive: no empty, `.` or `..` segments. */
export const entryNameOf = (store: S3PrefixStore, prefix: string, key: string): string => {
  const relative = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  const segments = relative.split('/').map((s) => (s === '' || s === '.' || s === '..' ? '_' : s));
  return `${filesPrefix(store)}${segments.join('/')}`;
};

/** README.txt in the reader's language, dates in their zone, each store in their words (its label). */
const readme = (
  deps: ExportDeps,
  profile: Profile | undefined,
  accountId: string,
  at: string,
  counts: readonly StoreCount[],
) => {
  const reader = readerOf(profile?.locale, profile?.timeZone);
  const write = READMES[reader.language] ?? READMES[FALLBACK_LANGUAGE];
  if (!write) throw new Error('No fallback README');
  return write({
    productName: deps.productName,
    accountId,
    exportedAt: dateTime(reader, at),
    entries: counts.map((c) => ({
      file: c.file,
      label: storeLabel(deps.map.stores.find((s) => s.name === c.name) ?? { name: c.name }, reader.language),
      files: c.kind === 's3-prefix',
      // A user pool's user is one pretty-printed object (below), not NDJSON.
      wholeObject: c.kind === 'cognito-user-pool',
      count: c.items,
    })),
  });
};

/** Item pages as NDJSON, produced only as the archive reads it; counts as it goes. */
const ndjson = (pages: AsyncIterable<readonly Record<string, unknown>[]>, count: StoreCount): Readable =>
  Readable.from(
    (async function* () {
      for await (const page of pages) {
        if (page.length === 0) continue;
        count.items += page.length;
        yield `${page.map((item) => JSON.stringify(item)).join('\n')}\n`;
      }
    })(),
  );

export const exportAccount = async (
  deps: ExportDeps,
  job: { accountId: string; exportId: string },
): Promise<{ outcome: ExportOutcome; counts: StoreCount[]; bytes: number }> => {
  const { accountId, exportId } = job;
  // 1. Only a PENDING export is built: a redelivered job for a finished one is a no-op.
  const record = await deps.exports.get(accountId, exportId);
  if (record?.status !== 'PENDING') return { outcome: 'duplicate', counts: [], bytes: 0 };
  // 2. An account being purged is not exported: its data is going, and so will this archive.
  const status = (await deps.accounts.status(accountId)) as Status | undefined;
  if (status !== undefined && isFinal(status)) {
    await deps.exports.markFailed(accountId, exportId, deps.now().toISOString(), 'account_purging');
    (deps.metrics ?? noMetrics).record('exportsFailed');
    return { outcome: 'refused', counts: [], bytes: 0 };
  }
  // 3. Stream every store into the archive; listing S3 adds entries, bodies are read in turn.
  const at = deps.now().toISOString();
  const objectKey = archiveKeyOf(accountId, exportId);
  const counts: StoreCount[] = [];
  const archive: ArchiveWriter = deps.archives.create(objectKey);
  try {
    for (const store of dynamoStores(deps.map)) {
      const count: StoreCount = { name: store.name, kind: store.kind, file: ndjsonName(store), items: 0 };
      counts.push(count);
      archive.add(count.file, () => ndjson(deps.reader.items(store, accountId), count));
    }
    for (const store of s3Stores(deps.map)) {
      const count: StoreCount = {
        name: store.name,
        kind: store.kind,
        file: filesPrefix(store),
        items: 0,
        bytes: 0,
      };
      counts.push(count);
      const prefix = fillTemplate(store.prefix, accountId);
      for await (const page of deps.reader.objects(store, accountId)) {
        for (const object of page) {
          count.items += 1;
          count.bytes = (count.bytes ?? 0) + object.size;
          // Uploads are often compressed already: stored as they are, which also spares the CPU.
          archive.add(entryNameOf(store, prefix, object.key), () => deps.reader.open(store, object.key), {
            compress: false,
          });
        }
      }
    }
    for (const store of cognitoStores(deps.map)) {
      if (!deps.identities) throw new Error(`No Cognito client for store ${store.name}`);
      const user = await deps.identities.read(store, accountId);
      const count: StoreCount = {
        name: store.name,
        kind: store.kind,
        file: `data/${store.name}.json`,
        items: 0,
      };
      counts.push(count);
      if (user !== undefined) {
        count.items = 1;
        archive.add(count.file, () => Readable.from([`${JSON.stringify(user, null, 2)}\n`]));
      }
    }
    // Built when the archive reaches them: by then every store above has been read and counted.
    const profile = await deps.profiles.get(accountId);
    archive.add('README.txt', () => Readable.from([readme(deps, profile, accountId, at, counts)]));
    archive.add('manifest.json', () =>
      Readable.from([
        `${JSON.stringify(
          {
            schemaVersion: ARCHIVE_SCHEMA_VERSION,
            accountId,
            exportId,
            exportedAt: at,
            stores: counts,
          },
          null,
          2,
        )}\n`,
      ]),
    );
    const bytes = await archive.finish();
    // 4. READY frees the pending slot; a duplicate delivery that got here first wins.
    const marked = await deps.exports.markReady(
      accountId,
      exportId,
      deps.now().toISOString(),
      objectKey,
      bytes,
    );
    if (marked) {
      (deps.metrics ?? noMetrics).record('exportsCompleted');
      (deps.metrics ?? noMetrics).record('exportBytes', bytes);
      return { outcome: 'ready', counts, bytes };
    }
    // 5. The record is gone: a purge deleted it while this ran, and may have passed the
    //    archives by. Delete this one too, so no archive outlives the purge (I6).
    if (!(await deps.exports.get(accountId, exportId))) {
      await deps.archives.delete(objectKey);
      return { outcome: 'refused', counts, bytes: 0 };
    }
    return { outcome: 'duplicate', counts, bytes };
  } catch (error) {
    await archive.abort();
    throw error;
  }
};
