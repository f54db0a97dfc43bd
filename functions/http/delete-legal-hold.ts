import { releaseLegalHold } from '../accounts/use-cases.ts';
import { accountDeps } from './deps.ts';
import { accountHandler } from './middleware.ts';

export const handler = accountHandler({ operatorOnly: true }, async ({ accountId, actor }) => {
  const { view } = await releaseLegalHold(accountDeps, { accountId, actor });
  return { statusCode: 200, body: view };
});
