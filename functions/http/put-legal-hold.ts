import { placeLegalHold } from '../accounts/use-cases.ts';
import { accountDeps } from './deps.ts';
import { accountHandler } from './middleware.ts';
import { legalHoldBody } from './schemas.ts';

export const handler = accountHandler(
  { body: legalHoldBody, operatorOnly: true },
  async ({ accountId, actor, body }) => {
    // The schema requires a body; middleware has already answered 400 without one.
    const { view } = await placeLegalHold(accountDeps, { accountId, reason: body?.reason ?? '', actor });
    return { statusCode: 200, body: view };
  },
);
