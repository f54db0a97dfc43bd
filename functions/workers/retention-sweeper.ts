/** The scheduled retention run (P9): deletes what is past its category's window, keeps what holds cover. */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { logger } from '../commons/logger.ts';
import { enforceRetention } from '../retention/enforce-retention.ts';
import { evidence, holds, settings, sources, tasks } from './retention-deps.ts';

export const handler = async (_event: ScheduledEvent, context: Context) => {
  logger.addContext(context);
  const runs = await enforceRetention(
    tasks,
    {
      ...sources,
      holds,
      evidence,
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
    },
    settings,
  );
  logger.info('Retention run finished', { runs });
  return { runs };
};
