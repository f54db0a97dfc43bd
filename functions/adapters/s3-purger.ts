/**
 * Deletes every object under an account's S3 prefix: ListObjectsV2 and
 * DeleteObjects in 1,000s, or, for a versioned bucket, every version and
 * delete marker. Each page lists from the prefix's start, since what was
 * listed before is gone; an empty listing means the prefix is clean. When a
 * page's listing was the last, that proof is asked for in the same call, so a
 * prefix that fits in one page costs one checkpoint, not two.
 */
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3PrefixStore } from '../core/data-map.ts';
import { fillTemplate } from '../core/data-map.ts';
import type { AnnounceKeys, PageResult } from '../enforcement/ports.ts';
import { MAX_ANNOUNCED_BYTES } from './dynamo-purger.ts';

const MORE = 'more';
const DELETE_BATCH = 1000;

/** An object (or one version of it) as an announced key: `[key]` or `[key, versionId]`. */
const keyOf = (object: ObjectIdentifier) =>
  JSON.stringify(object.VersionId ? [object.Key, object.VersionId] : [object.Key]);
const objectOf = (key: string): ObjectIdentifier => {
  const [Key, VersionId] = JSON.parse(key) as [string, string?];
  return { Key, ...(VersionId && { VersionId }) };
};

/** How many of `objects` (at least one) fit in MAX_ANNOUNCED_BYTES once announced. */
const fitting = (objects: readonly ObjectIdentifier[]): number => {
  let bytes = 0;
  let n = 0;
  for (const object of objects) {
    bytes += Buffer.byteLength(JSON.stringify(keyOf(object))) + 1;
    if (n > 0 && bytes > MAX_ANNOUNCED_BYTES) break;
    n += 1;
  }
  return n;
};

export class S3Purger {
  constructor(private readonly client: S3Client) {}

  async list(store: S3PrefixStore, accountId: string, continuation?: string) {
    const Prefix = fillTemplate(store.prefix, accountId);
    if (store.versioned) {
      // A versioned listing pages by two markers (key, version id): carried as one cursor.
      const markers = continuation ? (JSON.parse(continuation) as { key?: string; version?: string }) : {};
      const page = await this.client.send(
        new ListObjectVersionsCommand({
          Bucket: store.bucket,
          Prefix,
          MaxKeys: 1000,
          ...(markers.key && { KeyMarker: markers.key }),
          ...(markers.version && { VersionIdMarker: markers.version }),
        }),
      );
      const objects: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map(
        (v) => ({
          Key: v.Key ?? '',
          ...(v.VersionId && { VersionId: v.VersionId }),
        }),
      );
      const truncated = page.IsTruncated === true;
      const next = truncated
        ? JSON.stringify({ key: page.NextKeyMarker, version: page.NextVersionIdMarker })
        : undefined;
      return { objects, truncated, next };
    }
    const page = await this.client.send(
      new ListObjectsV2Command({
        Bucket: store.bucket,
        Prefix,
        MaxKeys: 1000,
        ...(continuation && { ContinuationToken: continuation }),
      }),
    );
    const objects = (page.Contents ?? []).map((o) => ({ Key: o.Key ?? '' }));
    return { objects, truncated: page.IsTruncated === true, next: page.NextContinuationToken };
  }

  async purgePage(
    store: S3PrefixStore,
    accountId: string,
    _cursor?: string,
    announce?: AnnounceKeys,
  ): Promise<PageResult> {
    const first = await this.deletePage(store, accountId, announce);
    if (first.deleted === 0) return { deleted: 0 };
    if (first.truncated) return { deleted: first.deleted, cursor: MORE };
    // That listing was the last: list again now, since an empty listing is the proof the prefix is clean.
    const again = await this.deletePage(store, accountId, announce);
    const deleted = first.deleted + again.deleted;
    return again.deleted === 0 ? { deleted } : { deleted, cursor: MORE };
  }

  async deleteAnnounced(store: S3PrefixStore, _accountId: string, keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      await this.deleteObjects(store, keys.slice(i, i + DELETE_BATCH).map(objectOf));
    }
  }

  /** Lists from the prefix's start and deletes what it lists (what was listed before is gone). */
  private async deletePage(store: S3PrefixStore, accountId: string, announce: AnnounceKeys | undefined) {
    const listed = await this.list(store, accountId);
    if (listed.objects.length === 0) return { deleted: 0, truncated: listed.truncated };
    // Long keys: a shorter page, so its announced keys fit on the account's record.
    const size = announce ? fitting(listed.objects) : listed.objects.length;
    const objects = listed.objects.slice(0, size);
    const truncated = listed.truncated || size < listed.objects.length;
    if (announce) await announce(objects.map(keyOf));
    await this.deleteObjects(store, objects);
    return { deleted: objects.length, truncated };
  }

  private async deleteObjects(store: S3PrefixStore, objects: ObjectIdentifier[]): Promise<void> {
    if (objects.length === 0) return;
    const { Errors } = await this.client.send(
      new DeleteObjectsCommand({ Bucket: store.bucket, Delete: { Objects: objects, Quiet: true } }),
    );
    if (Errors && Errors.length > 0) {
      // Retried by the queue from the saved checkpoint; the error names no object key (keys carry the id).
      throw new Error(
        `DeleteObjects failed for ${Errors.length} objects in store ${store.name}: ${Errors[0]?.Code}`,
      );
    }
  }

  async count(store: S3PrefixStore, accountId: string): Promise<number> {
    let total = 0;
    let next: string | undefined;
    do {
      const page = await this.list(store, accountId, next);
      total += page.objects.length;
      next = page.truncated ? page.next : undefined;
    } while (next);
    return total;
  }
}
