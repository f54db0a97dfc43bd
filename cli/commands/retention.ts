/**
 * `retention`: the retention schedule (P9) as the data map declares it, and,
 * against local mode or a deployed environment, the age of the oldest item
 * each category still holds next to its window, so an operator can show that
 * nothing older remains. Reads the same sparse index the retention sweeper
 * reads (oldest first, a page at a time); S3 prefixes are listed. Items of
 * accounts under legal hold are counted apart: a hold keeps them (P4).
 */
import { DynamoHolds } from '../../functions/adapters/dynamo-holds.ts';
import { DynamoRetention } from '../../functions/adapters/dynamo-retention.ts';
import { S3Retention } from '../../functions/adapters/s3-retention.ts';
import { parseDuration } from '../../functions/core/duration.ts';
import { DEFAULT_MAX_LAG, type RetentionTask, retentionTasks } from '../../functions/core/retention.ts';
import type { ExpirySource, HeldAccounts } from '../../functions/retention/ports.ts';
import { config } from '../../lethe.config.ts';
import type { Services } from '../services.ts';

const PAGE_SIZE = 1000;

export interface RetentionCategory {
  readonly category: string;
  /** What people read, per locale. */
  readonly labels: Readonly<Record<string, string>>;
  /** `store (table demo-sessions, lastSeenAt)`, `log group /demo/app/access`. */
  readonly stores: readonly string[];
  readonly window: string;
  readonly basis?: string;
  /** Age of the oldest item no hold covers, in seconds; null when there is none; absent when not measured. */
  readonly oldestAgeSeconds?: number | null;
  /** Items past their window kept because their account is under legal hold. */
  readonly heldPastWindow?: number;
  /** Whether the oldest item is within window + max lag. */
  readonly withinDeadline?: boolean;
}

export interface RetentionReport {
  readonly maxLag: string;
  /** False with --schedule: nothing was read. */
  readonly measured: boolean;
  readonly categories: readonly RetentionCategory[];
}

const describeTask = (task: RetentionTask): string =>
  task.store.kind === 's3-prefix'
    ? `${task.store.name} (s3://${task.store.bucket}/${task.store.prefix}, LastModified)`
    : `${task.store.name} (table ${task.store.table}, ${'timeAttribute' in task ? task.timeAttribute : ''})`;

/** The oldest item of one store that no hold covers, and how many held ones are past the window. */
const oldestIn = async (
  task: RetentionTask,
  source: ExpirySource,
  holds: HeldAccounts,
  now: number,
): Promise<{ oldest?: number; held: number }> => {
  // The index is sorted by expiry: the first unheld entry of a shard is its oldest. S3 has no order.
  const ordered = task.store.kind !== 's3-prefix';
  let oldest: number | undefined;
  let held = 0;
  for (let part = 0; part < source.parts(task); part += 1) {
    let cursor: string | undefined;
    do {
      const page = await source.page(task, part, now, cursor, PAGE_SIZE);
      const heldIds = await holds.held([
        ...new Set(page.candidates.map((c) => c.accountId).filter((id): id is string => id !== undefined)),
      ]);
      let found = false;
      for (const c of page.candidates) {
        const time = c.timeMs ?? now;
        if (c.accountId !== undefined && heldIds.has(c.accountId)) {
          if (now - time > task.windowMs) held += 1;
          continue;
        }
        oldest = oldest === undefined ? time : Math.min(oldest, time);
        found = true;
        if (ordered) break;
      }
      cursor = ordered && found ? undefined : page.cursor;
    } while (cursor);
  }
  return { ...(oldest !== undefined && { oldest }), held };
};

export const retentionSchedule = async (
  services: Services,
  now: Date,
  options: { readonly measure: boolean; readonly maxLag?: string },
): Promise<RetentionReport> => {
  const maxLag = options.maxLag || config.retentionMaxLag || DEFAULT_MAX_LAG;
  const maxLagMs = parseDuration(maxLag);
  const tasks = retentionTasks(services.map);
  let measure: ((task: RetentionTask) => Promise<{ oldest?: number; held: number }>) | undefined;
  if (options.measure) {
    const holds = new DynamoHolds(services.doc, await services.target.resource('accountsTable'));
    const dynamo = new DynamoRetention(services.doc);
    const s3 = new S3Retention(services.s3);
    measure = (task) => oldestIn(task, task.store.kind === 's3-prefix' ? s3 : dynamo, holds, now.getTime());
  }
  const categories: RetentionCategory[] = [];
  for (const rule of services.map.retention ?? []) {
    const mine = tasks.filter((t) => t.rule.category === rule.category);
    const base = {
      category: rule.category,
      labels: rule.labels,
      stores: [...mine.map(describeTask), ...(rule.logGroups ?? []).map((g) => `log group ${g}`)],
      window: rule.window,
      ...(rule.basis !== undefined && { basis: rule.basis }),
    };
    if (measure === undefined || mine.length === 0) {
      categories.push(base);
      continue;
    }
    let oldest: number | undefined;
    let held = 0;
    for (const task of mine) {
      const found = await measure(task);
      held += found.held;
      if (found.oldest !== undefined)
        oldest = oldest === undefined ? found.oldest : Math.min(oldest, found.oldest);
    }
    const age = oldest === undefined ? null : Math.max(0, Math.floor((now.getTime() - oldest) / 1000));
    categories.push({
      ...base,
      oldestAgeSeconds: age,
      heldPastWindow: held,
      withinDeadline: age === null || age * 1000 <= parseDuration(rule.window) + maxLagMs,
    });
  }
  return { maxLag, measured: measure !== undefined, categories };
};
