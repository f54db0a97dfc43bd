import { describe, expect, it } from 'vitest';
import type {
  DynamoIndexStore,
  DynamoPartitionStore,
  S3PrefixStore,
} from '../../../functions/core/data-map.ts';
import {
  accountOfItem,
  accountOfKey,
  deletionAgeMs,
  lifecycleExpiryOf,
  logRetentionDays,
  logRetentionToSet,
  parseItemTime,
  RETENTION_SHARDS,
  retentionAttributes,
  retentionTasks,
  staticPrefix,
} from '../../../functions/core/retention.ts';
import { config } from '../../../lethe.config.ts';

const DAY = 86_400_000;

describe('retention', () => {
  it('reads an item time as epoch seconds, epoch milliseconds or ISO-8601', () => {
    const at = Date.parse('2026-03-01T12:00:00.000Z');
    expect(parseItemTime(at / 1000)).toBe(at);
    expect(parseItemTime(at)).toBe(at);
    expect(parseItemTime('2026-03-01T12:00:00.000Z')).toBe(at);
    expect(parseItemTime('yesterday')).toBeUndefined();
    expect(parseItemTime(undefined)).toBeUndefined();
  });

  it('gives the host app the shard and the expiry to write: time + window, in epoch seconds', () => {
    const attributes = retentionAttributes(
      { category: 'sessions', window: 'P30D' },
      '2026-03-01T00:00:00Z',
      'k1',
    );
    expect(attributes.letheExpiresAt).toBe(Date.parse('2026-03-31T00:00:00Z') / 1000);
    expect(attributes.letheRetention).toMatch(/^sessions#[0-7]$/);
    // The same seed, the same shard; seeds spread over every shard.
    expect(retentionAttributes({ category: 'sessions', window: 'P30D' }, 0, 'k1').letheRetention).toBe(
      attributes.letheRetention,
    );
    const shards = new Set(
      Array.from(
        { length: 200 },
        (_, i) => retentionAttributes({ category: 's', window: 'P1D' }, 0, `k${i}`).letheRetention,
      ),
    );
    expect(shards.size).toBe(RETENTION_SHARDS);
  });

  it('deletes in time for window + max lag, one interval ahead, never before the window', () => {
    expect(deletionAgeMs(30 * DAY, DAY, 15 * 60_000)).toBe(31 * DAY - 15 * 60_000);
    expect(deletionAgeMs(30 * DAY, 10_000, 60_000)).toBe(30 * DAY);
  });

  it("finds an item's account from the key template, the index attribute, or the S3 prefix", () => {
    const partition = {
      kind: 'dynamodb-partition',
      key: { partitionKey: 'pk' },
      keyTemplate: 'USER#{accountId}',
    };
    const index = { kind: 'dynamodb-index', attribute: 'accountId' };
    const s3 = { kind: 's3-prefix', prefix: 'thumbs/{accountId}/' };
    expect(accountOfItem(partition as DynamoPartitionStore, { pk: 'USER#auth0|42' })).toBe('auth0|42');
    expect(accountOfItem(partition as DynamoPartitionStore, { pk: 'ORG#1' })).toBeUndefined();
    expect(accountOfItem(index as DynamoIndexStore, { accountId: 'a-1' })).toBe('a-1');
    expect(accountOfKey(s3 as S3PrefixStore, 'thumbs/a-1/x/y.png')).toBe('a-1');
    expect(accountOfKey(s3 as S3PrefixStore, 'thumbs/loose.png')).toBeUndefined();
    expect(staticPrefix('thumbs/{accountId}/')).toBe('thumbs/');
  });

  it('rounds a log group window down to a retention CloudWatch allows', () => {
    expect(logRetentionDays('P14D')).toBe(14);
    expect(logRetentionDays('P45D')).toBe(30);
    expect(logRetentionDays('P1D')).toBe(1);
  });

  it('sets a log group only where it keeps logs forever or longer than the window allows', () => {
    expect(logRetentionToSet(undefined, 'P14D')).toBe(14);
    expect(logRetentionToSet(30, 'P14D')).toBe(14);
    expect(logRetentionToSet(14, 'P14D')).toBeUndefined();
    expect(logRetentionToSet(7, 'P14D')).toBeUndefined();
  });

  it('asks S3 to expire the fixed prefix after the window rounded UP to days, never before it', () => {
    const store: S3PrefixStore = {
      kind: 's3-prefix',
      name: 'thumbs',
      bucket: 'b',
      prefix: 'thumbs/{accountId}/',
    };
    const rule = { category: 'thumbnails', labels: { en: 'T' }, window: 'P7D' };
    expect(lifecycleExpiryOf(rule, store)).toEqual({
      id: 'lethe-thumbnails-thumbs',
      prefix: 'thumbs/',
      days: 7,
      versioned: false,
    });
    expect(lifecycleExpiryOf({ ...rule, window: 'P6DT1H' }, { ...store, versioned: true })).toMatchObject({
      days: 7,
      versioned: true,
    });
    expect(lifecycleExpiryOf({ ...rule, window: 'PT36H' }, store).days).toBe(2);
  });

  it('walks every store the demo rules name, with its time attribute', () => {
    const tasks = retentionTasks(config.dataMap).map((t) => [
      t.rule.category,
      t.store.name,
      'timeAttribute' in t ? t.timeAttribute : 'LastModified',
    ]);
    expect(tasks).toEqual([
      ['sessions', 'sessions', 'lastSeenAt'],
      ['usage-events', 'usage-events', 'at'],
      ['thumbnails', 'thumbnails', 'LastModified'],
    ]);
  });
});
