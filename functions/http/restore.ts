import { restoreAccount } from '../accounts/use-cases.ts';
import { accountDeps } from './deps.ts';
import { accountHandler } from './middleware.ts';

export const handler = accountHandler({}, async ({ accountId, caller }) => {
  const { view } = await restoreAccount(accountDeps, { accountId, operator: caller.operator });
  return { statusCode: 200, body: view };
});
