/** The scheduled sweeper: enqueues due notices, then claims due accounts and enqueues their purges. */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { config, sweepIntervalMs } from '../commons/config.ts';
import { logger } from '../commons/logger.ts';
import { metrics } from '../commons/metrics.ts';
import {
  confirmations,
  noticeIndex,
  noticeQueue,
  processorClient,
  purgeQueue,
  purgeState,
  timing,
} from './enforcement-deps.ts';
import { sweepWithNotices } from './sweep-with-notices.ts';

const dueNotices = noticeIndex();
const noticeJobs = noticeQueue();
/** Processors with a status URL are polled on sweeps, one interval apart at first (P5). */
const processorPolls = {
  map: config.dataMap,
  polls: confirmations,
  status: processorClient(),
  intervalMs: sweepIntervalMs(),
};

export const handler = async (_event: ScheduledEvent, context: Context) => {
  logger.addContext(context);
  const result = await sweepWithNotices(
    {
      notices: dueNotices,
      noticeQueue: noticeJobs,
      due: purgeState,
      claims: purgeState,
      queue: purgeQueue,
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
      metrics,
      confirmations,
      processorPolls,
    },
    { reserveMs: timing.reserveMs, leaseMs: timing.leaseMs, pageSize: timing.pageSize, sla: timing.sla },
  );
  logger.info('Sweep finished', { ...result });
  return result;
};
