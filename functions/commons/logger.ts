/**
 * One structured logger. Log lines are keyed by a masked account id and never
 * carry an email, a token or a request body (I7): no event is ever logged.
 */
import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'lethe' });

/** A short, stable pseudonym for an account id, for correlating log lines. */
export const maskId = (accountId: string): string =>
  `acct_${createHash('sha256').update(`lethe-log:${accountId}`).digest('hex').slice(0, 16)}`;
