import { releaseLegalHold } from '../accounts/use-cases.ts';
import { accountDeps } from './deps.ts';
import { accountHandler } from './middleware.ts';

export const handler = accountHandler({ operatorOnly: true }, async ({ accountId }) => {
  const { view } = await releaseLegalHold(accountDeps, { accountId });
  return { statusCode: 200, body: view };
});
