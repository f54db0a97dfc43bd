/**
 * Expired objects of an S3 store: objects under the store's prefix (every
 * account's) whose LastModified is before the cutoff. S3 has no index by
 * time, so a run lists the prefix (1,000 keys a request); where Lethe owns
 * the bucket a lifecycle rule does the deleting and this pass finds nothing
 * (docs/retention.md). A versioned store's old versions and delete markers
 * go too.
 */
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3PrefixStore } from '../core/data-map.ts';
import { accountOfKey, type RetentionTask, staticPrefix } from '../core/retention.ts';
import type { Candidate, CandidatePage, ExpirySource } from '../retention/ports.ts';

interface Listed {
  readonly Key?: string;
  readonly VersionId?: string;
  readonly LastModified?: Date;
}

export class S3Retention implements ExpirySource {
  constructor(private readonly client: S3Client) {}

  parts(): number {
    return 1;
  }

  async page(
    task: RetentionTask,
    _part: number,
    cutoffMs: number,
    cursor: string | undefined,
    limit: number,
  ): Promise<CandidatePage> {
    const store = task.store as S3PrefixStore;
    const { listed, next } = await this.list(store, cursor, Math.min(limit, 1000));
    const candidates: Candidate[] = [];
    for (const object of listed) {
      const accountId = object.Key ? accountOfKey(store, object.Key) : undefined;
      // A key outside any account's prefix is not the store's: left alone.
      if (!object.Key || accountId === undefined || !object.LastModified) continue;
      const timeMs = object.LastModified.getTime();
      if (timeMs >= cutoffMs) continue;
      const ref: ObjectIdentifier = {
        Key: object.Key,
        ...(object.VersionId && { VersionId: object.VersionId }),
      };
      candidates.push({ accountId, timeMs, ref });
    }
    return { candidates, read: listed.length, ...(next && { cursor: next }) };
  }

  async remove(task: RetentionTask, candidates: readonly Candidate[]): Promise<number> {
    const store = task.store as S3PrefixStore;
    let deleted = 0;
    for (let i = 0; i < candidates.length; i += 1000) {
      const objects = candidates.slice(i, i + 1000).map((c) => c.ref as ObjectIdentifier);
      const { Errors = [] } = await this.client.send(
        new DeleteObjectsCommand({ Bucket: store.bucket, Delete: { Objects: objects, Quiet: true } }),
      );
      // What failed is found again by the next run; the count says what went.
      deleted += objects.length - Errors.length;
    }
    return deleted;
  }

  private async list(store: S3PrefixStore, cursor: string | undefined, max: number) {
    const Prefix = staticPrefix(store.prefix);
    if (store.versioned) {
      const [KeyMarker, VersionIdMarker] = cursor ? (JSON.parse(cursor) as [string, string?]) : [];
      const page = await this.client.send(
        new ListObjectVersionsCommand({
          Bucket: store.bucket,
          Prefix,
          MaxKeys: max,
          ...(KeyMarker && { KeyMarker }),
          ...(VersionIdMarker && { VersionIdMarker }),
        }),
      );
      const listed: Listed[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
      const next = page.IsTruncated
        ? JSON.stringify([page.NextKeyMarker, page.NextVersionIdMarker])
        : undefined;
      return { listed, next };
    }
    const page = await this.client.send(
      new ListObjectsV2Command({
        Bucket: store.bucket,
        Prefix,
        MaxKeys: max,
        ...(cursor && { ContinuationToken: cursor }),
      }),
    );
    return {
      listed: (page.Contents ?? []) as Listed[],
      next: page.IsTruncated ? page.NextContinuationToken : undefined,
    };
  }
}
