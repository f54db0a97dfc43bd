/**
 * The restore link's use cases. Looking (GET) never changes anything: mail
 * scanners prefetch links. Restoring (POST) goes through the same
 * restoreAccount as the API, conditioned on the link's own deactivation.
 */
import { LinkRefused } from '../core/errors.ts';
import type { AccountRecord } from '../core/lifecycle.ts';
import { type RestoreClaims, readRestoreToken, verifyRestoreToken } from '../core/restore-token.ts';
import { type AccountDeps, restoreAccount } from './use-cases.ts';

export interface RestoreLinkDeps extends AccountDeps {
  readonly restoreKey: Buffer;
}

export interface LinkState {
  readonly accountId: string;
  readonly purgeAfter: string;
}

/** Throws the page the reader should see when the link's deactivation is no longer the current one. */
const refuseIfNotCurrent = (record: AccountRecord | undefined, claims: RestoreClaims): LinkState => {
  if (record?.status === 'PURGING' || record?.status === 'PURGED') {
    throw new LinkRefused('purged', 'This account has been deleted. It can no longer be restored.');
  }
  if (record?.status !== 'DEACTIVATED') {
    throw new LinkRefused(
      'used',
      'Your account is active: this link has been used already, so there is nothing to restore.',
    );
  }
  if (record.deactivatedAt !== claims.deactivatedAt) {
    throw new LinkRefused(
      'superseded',
      'This link is from an earlier deactivation. Please use the link in the latest email.',
    );
  }
  return { accountId: record.accountId, purgeAfter: record.purgeAfter ?? claims.expiresAt };
};

export const inspectRestoreLink = async (deps: RestoreLinkDeps, token: string | undefined) => {
  // 1. A genuine, unexpired token, or a clear refusal.
  const claims = verifyRestoreToken(deps.restoreKey, token, deps.now());
  // 2. Its deactivation must still be the account's current one.
  return refuseIfNotCurrent(await deps.accounts.get(claims.accountId), claims);
};

export const restoreByLink = async (deps: RestoreLinkDeps, token: string | undefined) => {
  // 1. The same checks as the page, so a stale form gets the same answer.
  const claims = verifyRestoreToken(deps.restoreKey, token, deps.now());
  refuseIfNotCurrent(await deps.accounts.get(claims.accountId), claims);
  // 2. The API's restore, limited to this deactivation: a racing re-deactivation wins.
  const { view, changed } = await restoreAccount(deps, {
    accountId: claims.accountId,
    actor: { kind: 'user', id: claims.accountId },
    deactivatedAt: claims.deactivatedAt,
  });
  // 3. Lost a race (restored or re-deactivated meanwhile): say what happened instead.
  if (!changed) refuseIfNotCurrent(await deps.accounts.get(claims.accountId), claims);
  return view;
};

/**
 * The profile a genuine link (expired or used included) belongs to, for the
 * page's language and time zone; none for a link that is not genuine, or whose
 * profile a purge removed. Reads nothing for a forged token.
 */
export const profileOfLink = async (deps: RestoreLinkDeps, token: string | undefined) => {
  let accountId: string;
  try {
    accountId = readRestoreToken(deps.restoreKey, token).accountId;
  } catch (error) {
    if (error instanceof LinkRefused) return undefined;
    throw error;
  }
  return deps.profiles.get(accountId);
};
