import { getAccount } from '../accounts/use-cases.ts';
import { accountDeps } from './deps.ts';
import { accountHandler } from './middleware.ts';

export const handler = accountHandler({}, async ({ accountId, caller }) => ({
  statusCode: 200,
  body: await getAccount(accountDeps, accountId, caller.operator),
}));
