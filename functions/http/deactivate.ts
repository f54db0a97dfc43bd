import { deactivateAccount } from '../accounts/use-cases.ts';
import { accountDeps } from './deps.ts';
import { accountHandler } from './middleware.ts';
import { deactivateBody } from './schemas.ts';

/** 202 when this call deactivated the account, 200 when it already was (its dates unchanged). */
export const handler = accountHandler({ body: deactivateBody }, async ({ accountId, actor, body }) => {
  const { view, changed } = await deactivateAccount(accountDeps, {
    accountId,
    actor,
    ...(body?.reason !== undefined && { reason: body.reason }),
  });
  return { statusCode: changed ? 202 : 200, body: view };
});
