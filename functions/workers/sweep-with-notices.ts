/**
 * A whole sweep composes two features (notices and enforcement), which never
 * import each other, so it lives here, in the outer layer: the scheduled
 * sweeper and `lethe sweep --yes` both run it.
 */
import { type PollProcessorsDeps, type PollResult, pollProcessors } from '../enforcement/poll-processors.ts';
import { type SweepDeps, type SweepOptions, type SweepResult, sweep } from '../enforcement/sweep.ts';
import type { NoticeDueIndex, NoticeQueue } from '../notices/ports.ts';
import { scheduleNotices } from '../notices/schedule-notices.ts';

export interface SweepWithNoticesDeps extends SweepDeps {
  /** Notice records waiting to go out, and the queue the notice sender reads. */
  readonly notices: NoticeDueIndex;
  readonly noticeQueue: NoticeQueue;
  /** Processors with a status URL, polled for the deletions they owe (P5); absent: none polled. */
  readonly processorPolls?: Pick<PollProcessorsDeps, 'map' | 'polls' | 'status' | 'intervalMs'>;
}

/**
 * A whole sweep, as the schedule runs it and as `lethe sweep --yes` runs it:
 * the due notices first, so a reminder due now goes out before anything this
 * sweep starts (and an account swept by hand still gets its notices), then the
 * due purges, then the status URLs of processors that owe a confirmation.
 */
export const sweepWithNotices = async (
  deps: SweepWithNoticesDeps,
  options: SweepOptions,
): Promise<SweepResult & { readonly noticesEnqueued: number; readonly statusPolls?: PollResult }> => {
  const notices = await scheduleNotices(
    { due: deps.notices, queue: deps.noticeQueue, now: deps.now, remainingMs: deps.remainingMs },
    { reserveMs: options.reserveMs, leaseMs: options.leaseMs, pageSize: options.pageSize },
  );
  const result = await sweep(deps, options);
  const statusPolls = deps.processorPolls
    ? await pollProcessors({
        ...deps.processorPolls,
        now: deps.now,
        remainingMs: deps.remainingMs,
        reserveMs: options.reserveMs,
        ...(deps.metrics && { metrics: deps.metrics }),
      })
    : undefined;
  return { ...result, noticesEnqueued: notices.enqueued, ...(statusPolls && { statusPolls }) };
};
