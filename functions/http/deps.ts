/** The account use cases' dependencies, wired once per container at cold start. */

import type { RestoreLinkDeps } from '../accounts/restore-link.ts';
import type { AccountDeps } from '../accounts/use-cases.ts';
import { DynamoAccountRepository } from '../adapters/dynamo-accounts.ts';
import { DynamoProfileReader } from '../adapters/dynamo-profiles.ts';
import { dynamo } from '../commons/clients.ts';
import { config } from '../commons/config.ts';
import { envOr, requireEnv } from '../commons/env.ts';
import { metrics } from '../commons/metrics.ts';
import { outbox } from '../commons/outbox.ts';
import { parseDuration, parseDurationList } from '../core/duration.ts';
import { accountsTable } from '../core/resources.ts';
import { auditLog } from '../workers/audit-log.ts';
import { restoreKey } from '../workers/restore-key.ts';
import type { Site } from './html.ts';

/** Checked at cold start: a bad schedule fails loudly here, not at the first deactivation. */
const noticeSchedule = (text: string): string[] => {
  parseDurationList(text);
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
};

export const accountDeps: AccountDeps = {
  accounts: new DynamoAccountRepository(dynamo, requireEnv(accountsTable.env), auditLog, outbox),
  profiles: new DynamoProfileReader(dynamo, config.dataMap),
  gracePeriodMs: parseDuration(envOr('LETHE_GRACE_PERIOD', config.gracePeriod)),
  noticeSchedule: noticeSchedule(envOr('LETHE_NOTICE_SCHEDULE', config.noticeSchedule.join(','))),
  now: () => new Date(),
  metrics,
};

export const restoreLinkDeps: RestoreLinkDeps = { ...accountDeps, restoreKey };

/** What the restore flow's pages say about the product and its data (the stores' labels). */
export const restoreSite: Site = { productName: config.productName, stores: config.dataMap.stores };
