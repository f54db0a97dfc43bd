import { restoreAccount } from '../accounts/use-cases.ts';
import { accountDeps } from './deps.ts';
import { accountHandler } from './middleware.ts';

export const handler = accountHandler({}, async ({ accountId, actor }) => {
  const { view } = await restoreAccount(accountDeps, { accountId, actor });
  return { statusCode: 200, body: view };
});
