/**
 * Sign-in follows the account: makes each user pool in the data map agree
 * with the account's state as it is now, not as the event said it was. So
 * events arriving late, twice or out of order (deactivate, restore, redelivered
 * deactivate) still leave the user as the account is: DEACTIVATED or PURGING
 * disabled with sessions ended, ACTIVE enabled. A purged account's user was
 * deleted by the purge (a data-map store like any other).
 */
import type { CognitoUserPoolStore } from '../core/data-map.ts';
import type { SignInUsers } from './ports.ts';

export interface FollowDeps {
  readonly pools: readonly CognitoUserPoolStore[];
  readonly users: SignInUsers;
  /** The account's status in the Accounts table; undefined: no record (active, or purged and gone). */
  readonly status: (accountId: string) => Promise<string | undefined>;
}

export type Followed = 'disabled' | 'enabled' | 'no-user';

export const followSignIn = async (deps: FollowDeps, accountId: string): Promise<Followed[]> => {
  const status = await deps.status(accountId);
  const signInAllowed = status === undefined || status === 'ACTIVE';
  const results: Followed[] = [];
  for (const pool of deps.pools) {
    const found = signInAllowed
      ? await deps.users.enable(pool, accountId)
      : await deps.users.disable(pool, accountId);
    results.push(found ? (signInAllowed ? 'enabled' : 'disabled') : 'no-user');
  }
  return results;
};
