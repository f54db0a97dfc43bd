/** The scheduled sweeper: claims due accounts and enqueues their purges, then enqueues due notices. */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { logger } from '../commons/logger.ts';
import { metrics } from '../commons/metrics.ts';
import { sweep } from '../enforcement/sweep.ts';
import { scheduleNotices } from '../notices/schedule-notices.ts';
import {
  confirmations,
  noticeIndex,
  noticeQueue,
  purgeQueue,
  purgeState,
  timing,
} from './enforcement-deps.ts';

const dueNotices = noticeIndex();
const noticeJobs = noticeQueue();

export const handler = async (_event: ScheduledEvent, context: Context) => {
  logger.addContext(context);
  // Notices first: a reminder due now goes out before anything else this sweep starts.
  const notices = await scheduleNotices(
    {
      due: dueNotices,
      queue: noticeJobs,
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
    },
    { reserveMs: timing.reserveMs, leaseMs: timing.leaseMs, pageSize: timing.pageSize },
  );
  const result = await sweep(
    {
      due: purgeState,
      claims: purgeState,
      queue: purgeQueue,
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
      metrics,
      confirmations,
    },
    { reserveMs: timing.reserveMs, leaseMs: timing.leaseMs, pageSize: timing.pageSize, sla: timing.sla },
  );
  logger.info('Sweep finished', { ...result, noticesEnqueued: notices.enqueued });
  return { ...result, noticesEnqueued: notices.enqueued };
};
