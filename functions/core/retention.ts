/**
 * Retention (P9): which items of which stores are past their category's
 * window, and how the host app marks an item so Lethe finds it without
 * reading the whole table. No AWS SDK here. See docs/retention.md.
 *
 * The lookup: a sparse global secondary index (`lethe-retention`) on each
 * DynamoDB table a rule covers, keyed by `letheRetention` (`<category>#<shard>`)
 * and sorted by `letheExpiresAt` (epoch seconds: the item's time + window).
 * The host app writes both attributes with `retentionAttributes`. A run asks
 * each shard for the entries whose expiry has passed the cutoff, so it reads
 * what expires and nothing else.
 */

import {
  ACCOUNT_ID_PLACEHOLDER,
  type DataMap,
  type DynamoStore,
  type RetentionRule,
  type S3PrefixStore,
  staticPrefix,
} from './data-map.ts';
import { parseDuration } from './duration.ts';
import { LOG_RETENTION_DAYS } from './lethe-config.ts';
import type { IndexDefinition } from './resources.ts';

export const RETENTION_INDEX = 'lethe-retention';
/** `<category>#<shard>`: the index's partition key. */
export const RETENTION_SHARD_ATTRIBUTE = 'letheRetention';
/** Epoch seconds when the item's window ends: the index's sort key, and the TTL attribute. */
export const RETENTION_EXPIRY_ATTRIBUTE = 'letheExpiresAt';
/** Shards spread the host app's writes over index partitions (each takes about 1,000 writes/s). */
export const RETENTION_SHARDS = 8;
/** How long past its window an item may live at most, unless set otherwise. */
export const DEFAULT_MAX_LAG = 'P1D';

/** The index as local mode creates it; the host app may project less (docs/retention.md). */
export const retentionIndex: IndexDefinition = {
  name: RETENTION_INDEX,
  partitionKey: RETENTION_SHARD_ATTRIBUTE,
  sortKey: RETENTION_EXPIRY_ATTRIBUTE,
  numericSortKey: true,
  projection: 'ALL',
};

/** One store of one category, as a run walks it. */
export type RetentionTask =
  | {
      readonly rule: RetentionRule;
      readonly windowMs: number;
      readonly store: DynamoStore;
      readonly timeAttribute: string;
    }
  | { readonly rule: RetentionRule; readonly windowMs: number; readonly store: S3PrefixStore };

/** Every (category, store) pair the data map's rules name, in the order they are declared. */
export const retentionTasks = (map: DataMap): RetentionTask[] =>
  (map.retention ?? []).flatMap((rule) =>
    (rule.stores ?? []).flatMap((target): RetentionTask[] => {
      const store = map.stores.find((s) => s.name === target.store);
      const windowMs = parseDuration(rule.window);
      if (store?.kind === 's3-prefix') return [{ rule, windowMs, store }];
      // A processor and a user pool hold no items with times: retention does not reach them.
      if (
        store &&
        (store.kind === 'dynamodb-partition' || store.kind === 'dynamodb-index') &&
        target.timeAttribute
      ) {
        return [{ rule, windowMs, store, timeAttribute: target.timeAttribute }];
      }
      return [];
    }),
  );

/** An item's time: epoch seconds, epoch milliseconds or an ISO-8601 string; undefined if none of them. */
export const parseItemTime = (value: unknown): number | undefined => {
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Below 1e11 it is seconds (1e11 s is the year 5138; 1e11 ms is 1973).
    return value < 1e11 ? value * 1000 : value;
  }
  if (typeof value === 'string' && value.length > 0) {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
};

const toMs = (time: Date | number | string): number => {
  const ms = time instanceof Date ? time.getTime() : parseItemTime(time);
  if (ms === undefined || Number.isNaN(ms)) throw new Error(`retention: "${String(time)}" is not a time`);
  return ms;
};

/** A small stable hash, so one item always lands in the same shard. */
const shardOf = (seed: string, shards: number): number => {
  let h = 0;
  for (let i = 0; i < seed.length; i += 1) h = (Math.imul(h, 31) + seed.charCodeAt(i)) | 0;
  return Math.abs(h) % shards;
};

/**
 * What the host app writes on every item of a category (the helper Lethe
 * exports): spread it into the item on each write that sets the item's time.
 * `seed` (e.g. the item's key) picks the shard; without one, a random shard.
 */
export const retentionAttributes = (
  rule: Pick<RetentionRule, 'category' | 'window'>,
  time: Date | number | string,
  seed?: string,
): { letheRetention: string; letheExpiresAt: number } => {
  const shard =
    seed === undefined ? Math.floor(Math.random() * RETENTION_SHARDS) : shardOf(seed, RETENTION_SHARDS);
  return {
    [RETENTION_SHARD_ATTRIBUTE]: shardKey(rule.category, shard),
    [RETENTION_EXPIRY_ATTRIBUTE]: Math.floor((toMs(time) + parseDuration(rule.window)) / 1000),
  } as { letheRetention: string; letheExpiresAt: number };
};

export const shardKey = (category: string, shard: number) => `${category}#${shard}`;

/**
 * How old an item must be before Lethe deletes it: window + maxLag, less one
 * run interval, so that the next run comes before anything passes window +
 * maxLag; never less than the window. (TTL, where on, deletes from the window.)
 */
export const deletionAgeMs = (windowMs: number, maxLagMs: number, intervalMs: number): number =>
  Math.max(windowMs, windowMs + maxLagMs - intervalMs);

/** The account an item belongs to, from the store's key template or account attribute. */
export const accountOfItem = (store: DynamoStore, item: Record<string, unknown>): string | undefined => {
  if (store.kind === 'dynamodb-index') {
    const value = item[store.attribute];
    return typeof value === 'string' ? value : undefined;
  }
  return matchTemplate(store.keyTemplate, item[store.key.partitionKey]);
};

/** The account an S3 object belongs to, from the store's prefix. */
export const accountOfKey = (store: S3PrefixStore, key: string): string | undefined =>
  matchTemplate(`${store.prefix}`, key, true);

export { staticPrefix } from './data-map.ts';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const matchTemplate = (template: string, value: unknown, prefixOnly = false): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const [before = '', ...rest] = template.split(ACCOUNT_ID_PLACEHOLDER);
  const after = rest.join(ACCOUNT_ID_PLACEHOLDER);
  // Account ids never hold "/" or "#" (functions/core/account-id.ts), so the match cannot run past its slot.
  const pattern = new RegExp(
    `^${escapeRegExp(before)}([^/#]+)${escapeRegExp(after)}${prefixOnly ? '' : '$'}`,
  );
  return pattern.exec(value)?.[1];
};

/** The longest allowed log retention within the window: rounding down keeps the promise. */
export const logRetentionDays = (window: string): number => {
  const days = Math.floor(parseDuration(window) / 86_400_000);
  const fitting = LOG_RETENTION_DAYS.filter((d) => d <= days);
  const chosen = fitting[fitting.length - 1];
  if (chosen === undefined) throw new Error(`retention: window ${window} is shorter than a day`);
  return chosen;
};

/**
 * What a log group's retention must become, if anything: a group that keeps
 * its logs forever (no retention) or longer than the window allows gets the
 * longest value within it; a shorter one is left alone (it keeps the promise).
 */
export const logRetentionToSet = (currentDays: number | undefined, window: string): number | undefined => {
  const allowed = logRetentionDays(window);
  return currentDays === undefined || currentDays > allowed ? allowed : undefined;
};

/** Every log group the rules name, with the days its category allows. */
export const retentionLogGroups = (
  map: DataMap,
): { readonly category: string; readonly group: string; readonly window: string; readonly days: number }[] =>
  (map.retention ?? []).flatMap((rule) =>
    (rule.logGroups ?? []).map((group) => ({
      category: rule.category,
      group,
      window: rule.window,
      days: logRetentionDays(rule.window),
    })),
  );

/**
 * The S3 lifecycle expiration rule a `ttl` category asks for on one store:
 * the prefix up to the account id, and the window rounded UP to whole days
 * (S3 expires in days; rounding down would delete before the window). S3
 * counts from the object's creation and acts at the next midnight UTC, in its
 * own time; Lethe's sweeper still deletes to the hour (window + maxLag).
 */
export interface LifecycleExpiry {
  /** The rule's id in the bucket's configuration. */
  readonly id: string;
  readonly prefix: string;
  readonly days: number;
  /** Noncurrent versions expire the same number of days after they stop being current. */
  readonly versioned: boolean;
}

export const lifecycleDays = (window: string): number => Math.ceil(parseDuration(window) / 86_400_000);

export const lifecycleExpiryOf = (rule: RetentionRule, store: S3PrefixStore): LifecycleExpiry => ({
  id: `lethe-${rule.category}-${store.name}`,
  prefix: staticPrefix(store.prefix),
  days: lifecycleDays(rule.window),
  versioned: store.versioned === true,
});

/** Every lifecycle expiry the `ttl` rules ask for, with its rule and store. */
export const lifecycleExpiries = (
  map: DataMap,
): { readonly rule: RetentionRule; readonly store: S3PrefixStore; readonly expiry: LifecycleExpiry }[] =>
  retentionTasks(map).flatMap((task) =>
    task.store.kind === 's3-prefix' && task.rule.ttl === true
      ? [{ rule: task.rule, store: task.store, expiry: lifecycleExpiryOf(task.rule, task.store) }]
      : [],
  );

/** What one run did for one category: counts only, never an id (I6). */
export interface CategoryRun {
  readonly category: string;
  /** Index entries or objects read. */
  readonly read: number;
  readonly deleted: number;
  /** Past the deadline, kept because their account is under legal hold (P4). */
  readonly held: number;
  /** False when the time budget ran out with entries left. */
  readonly complete: boolean;
}
