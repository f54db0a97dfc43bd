/** The notice sender's dependencies, wired once per container at cold start. */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoAccountRepository } from '../adapters/dynamo-accounts.ts';
import { DynamoNotices } from '../adapters/dynamo-notices.ts';
import { DynamoProfileReader } from '../adapters/dynamo-profiles.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import { auditLog } from '../commons/audit-log.ts';
import { dynamo, dynamoClient } from '../commons/clients.ts';
import { config } from '../commons/config.ts';
import { envOr, requireEnv } from '../commons/env.ts';

import { metrics } from '../commons/metrics.ts';
import { outbox } from '../commons/outbox.ts';
import { addressKey, restoreKey } from '../commons/restore-key.ts';
import { traced } from '../commons/tracer.ts';
import { parseDuration } from '../core/duration.ts';

import { accountsTable } from '../core/resources.ts';
import type { SendNoticeDeps } from './send-notice.ts';

const table = requireEnv(accountsTable.env);
traced(dynamoClient);

export const sendNoticeDeps: SendNoticeDeps = {
  notices: new DynamoNotices(dynamo, table, outbox),
  accounts: new DynamoAccountRepository(dynamo, table, auditLog, outbox),
  profiles: new DynamoProfileReader(dynamo, config.dataMap),
  mailer: new SesMailer(
    traced(new SESv2Client({ maxAttempts: 4 })),
    envOr('LETHE_NOTICE_SENDER', config.notices.sender),
    envOr('LETHE_SES_CONFIGURATION_SET', config.notices.configurationSet),
  ),
  restoreKey,
  addressKey,
  branding: {
    productName: config.productName,
    supportUrl: config.notices.supportUrl,
    stores: config.dataMap.stores,
  },
  publicUrl: config.notices.publicUrl ?? requireEnv('LETHE_PUBLIC_URL'),
  sweepIntervalMs: parseDuration(envOr('LETHE_SWEEP_INTERVAL', config.sweepInterval)),
  now: () => new Date(),
  metrics,
};
