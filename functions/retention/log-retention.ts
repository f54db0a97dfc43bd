/**
 * Log groups a retention rule names (P9): each keeps its logs no longer than
 * its category's window. Every run reads each group's retention and sets it
 * only where it is missing or longer, so it repairs drift (someone set "never
 * expire" by hand) within one run and otherwise writes nothing.
 */

import type { DataMap } from '../core/data-map.ts';
import { logRetentionToSet, retentionLogGroups } from '../core/retention.ts';
import type { LogGroupRetention } from './ports.ts';

export interface LogGroupRun {
  readonly category: string;
  readonly group: string;
  /** Days the category allows (the window, rounded down to a CloudWatch value). */
  readonly days: number;
  /** `set`: it kept logs forever or longer, and now keeps `days`; `kept`: already within; `missing`: no such group. */
  readonly result: 'set' | 'kept' | 'missing';
  /** The retention found before the run: days, or `never` (no retention). */
  readonly before?: number | 'never';
}

export const holdLogRetention = async (map: DataMap, logs: LogGroupRetention): Promise<LogGroupRun[]> => {
  const runs: LogGroupRun[] = [];
  for (const { category, group, window, days } of retentionLogGroups(map)) {
    const current = await logs.current(group);
    if (current === null) {
      runs.push({ category, group, days, result: 'missing' });
      continue;
    }
    const before = current ?? 'never';
    const target = logRetentionToSet(current, window);
    if (target !== undefined) await logs.set(group, target);
    runs.push({ category, group, days, before, result: target === undefined ? 'kept' : 'set' });
  }
  return runs;
};
