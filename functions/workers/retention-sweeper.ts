/** The scheduled retention run (P9): deletes what is past its category's window, keeps what holds cover. */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { config } from '../commons/config.ts';
import { logger } from '../commons/logger.ts';
import { metrics } from '../commons/metrics.ts';
import { enforceRetention } from '../retention/enforce-retention.ts';
import { holdLogRetention } from '../retention/log-retention.ts';
import { evidence, holds, logGroups, settings, sources, tasks } from './retention-deps.ts';

export const handler = async (_event: ScheduledEvent, context: Context) => {
  logger.addContext(context);
  const runs = await enforceRetention(
    tasks,
    {
      ...sources,
      holds,
      evidence,
      metrics,
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
    },
    settings,
  );
  // Log groups after the items: a failure here (access denied) fails the run and raises its alarm.
  const groups = logGroups ? await holdLogRetention(config.dataMap, logGroups) : [];
  for (const group of groups) {
    if (group.result === 'set') logger.info('Log group retention set', { ...group });
    if (group.result === 'missing')
      logger.warn('Log group named by a retention rule does not exist', { ...group });
  }
  logger.info('Retention run finished', { runs });
  return { runs, logGroups: groups };
};
