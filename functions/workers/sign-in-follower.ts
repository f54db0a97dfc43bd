/**
 * The sign-in follower: lifecycle events from the bus, through an SQS queue
 * (retries, then a DLQ that alarms), make the user pools follow the account
 * (follow-sign-in.ts). A failed record stays on the queue and comes back.
 */
import { CognitoUsers } from '../adapters/cognito-users.ts';
import { DynamoAccountStatuses } from '../adapters/dynamo-exports.ts';
import { cognitoClient, dynamo } from '../commons/clients.ts';
import { config } from '../commons/config.ts';
import { requireEnv } from '../commons/env.ts';
import { logger, maskId } from '../commons/logger.ts';
import { isAccountId } from '../core/account-id.ts';
import { cognitoStores } from '../core/data-map.ts';
import { accountsTable } from '../core/resources.ts';
import { type FollowDeps, followSignIn } from '../events/follow-sign-in.ts';
import { sqsWorker } from './sqs-worker.ts';

const statuses = new DynamoAccountStatuses(dynamo, requireEnv(accountsTable.env));

const deps: FollowDeps = {
  pools: cognitoStores(config.dataMap),
  users: new CognitoUsers(cognitoClient()),
  status: (accountId) => statuses.status(accountId),
};

/** The account an EventBridge envelope's detail names. */
export const accountOfEnvelope = (body: string): string => {
  const { detail } = JSON.parse(body) as { detail?: { accountId?: unknown } };
  if (!isAccountId(detail?.accountId)) throw new Error('Event without a valid accountId');
  return detail.accountId;
};

export const handler = sqsWorker(
  (record) => accountOfEnvelope(record.body),
  async (accountId) => {
    const results = await followSignIn(deps, accountId);
    logger.info('Sign-in followed the account', { account: maskId(accountId), results });
  },
);
