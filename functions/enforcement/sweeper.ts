/** The scheduled sweeper: claims due accounts and enqueues their purges. */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { logger } from '../commons/logger.ts';
import { purgeQueue, purgeState, timing } from './deps.ts';
import { sweep } from './sweep.ts';

export const handler = async (_event: ScheduledEvent, context: Context) => {
  logger.addContext(context);
  const result = await sweep(
    {
      due: purgeState,
      claims: purgeState,
      queue: purgeQueue,
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
    },
    { reserveMs: timing.reserveMs, leaseMs: timing.leaseMs, pageSize: timing.pageSize },
  );
  logger.info('Sweep finished', { ...result });
  return result;
};
