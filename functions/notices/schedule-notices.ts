/**
 * Finds due notices through the sparse, sharded `notices-due` index (cost
 * grows with due notices, not accounts) and enqueues them. Each is postponed
 * by a lease first, so a later sweep re-enqueues it only if it is still
 * PENDING then (its message was lost); the sender's claim makes duplicates harmless.
 */
import { NOTICE_SHARDS } from '../core/notices.ts';
import type { NoticeDueIndex, NoticeQueue } from './ports.ts';

export interface ScheduleDeps {
  readonly due: NoticeDueIndex;
  readonly queue: NoticeQueue;
  readonly now: () => Date;
  readonly remainingMs: () => number;
}

export interface ScheduleOptions {
  readonly reserveMs: number;
  readonly leaseMs: number;
  readonly pageSize: number;
  readonly shards?: number;
}

export const scheduleNotices = async (deps: ScheduleDeps, options: ScheduleOptions) => {
  const now = deps.now().toISOString();
  const until = new Date(Date.parse(now) + options.leaseMs).toISOString();
  let enqueued = 0;
  for (let shard = 0; shard < (options.shards ?? NOTICE_SHARDS); shard += 1) {
    let cursor: string | undefined;
    do {
      if (deps.remainingMs() < options.reserveMs) return { enqueued, complete: false };
      const page = await deps.due.page(`N${shard}`, now, cursor, options.pageSize);
      const won = await Promise.all(
        page.items.map(async (item) => ((await deps.due.postpone(item, until)) ? item.key : undefined)),
      );
      const jobs = won.filter((key): key is string => key !== undefined).map((noticeKey) => ({ noticeKey }));
      if (jobs.length > 0) await deps.queue.send(jobs);
      enqueued += jobs.length;
      cursor = page.cursor;
    } while (cursor);
  }
  return { enqueued, complete: true };
};
