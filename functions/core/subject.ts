/**
 * The subject: an HMAC of the account id, under a key only Lethe holds. What
 * Lethe keeps after a purge (the tombstone, the receipt, the audit trail) is
 * keyed by it, so nothing left holds the id itself (I6), yet an operator who
 * knows an id can still find its receipt.
 */
import { createHmac } from 'node:crypto';

export const subjectOf = (key: string, accountId: string): string =>
  createHmac('sha256', key).update(`lethe-subject:${accountId}`).digest('hex');

/** The accounts-table key of a purged account's tombstone; `#` never occurs in an account id. */
export const tombstoneKey = (subject: string): string => `purged#${subject}`;
