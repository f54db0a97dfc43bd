/** The notice sender's dependencies, wired once per container at cold start. */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoAccountRepository } from '../adapters/dynamo-accounts.ts';
import { DynamoNotices } from '../adapters/dynamo-notices.ts';
import { DynamoProfileReader } from '../adapters/dynamo-profiles.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import { SqsJobDeadLetters } from '../adapters/sqs-dead-letters.ts';
import { dynamo, dynamoClient } from '../commons/clients.ts';
import { config, sweepIntervalMs } from '../commons/config.ts';
import { envOr, requireEnv } from '../commons/env.ts';
import { metrics } from '../commons/metrics.ts';
import { outbox } from '../commons/outbox.ts';
import { traced } from '../commons/tracer.ts';
import { accountsTable, noticeQueue } from '../core/resources.ts';
import type { SendNoticeDeps } from '../notices/send-notice.ts';
import { auditLog } from './audit-log.ts';
import { addressKey, restoreKey } from './restore-key.ts';

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
  sweepIntervalMs: sweepIntervalMs(),
  now: () => new Date(),
  metrics,
};

/** Where a message whose body can never be read goes at once (the queue URL is used as given, as locally it must be). */
export const noticeDeadLetters = new SqsJobDeadLetters(
  traced(new SQSClient({ useQueueUrlAsEndpoint: false })),
  requireEnv(noticeQueue.dlqEnv),
);
