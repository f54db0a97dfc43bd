import { createHash } from 'node:crypto';

/** An account id: 1–128 of letters, digits and `._:|@+-` (UUIDs, `auth0|…`, numeric ids). */
export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9._:|@+-]{1,128}$/;

export const isAccountId = (value: unknown): value is string =>
  typeof value === 'string' && ACCOUNT_ID_PATTERN.test(value);

/**
 * A short, stable pseudonym for an account id, for correlating log lines
 * (I7): logs and the operator CLI show this, never the id in a log.
 */
export const maskId = (accountId: string): string =>
  `acct_${createHash('sha256').update(`lethe-log:${accountId}`).digest('hex').slice(0, 16)}`;
