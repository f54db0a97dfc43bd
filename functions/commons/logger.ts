/**
 * One structured logger. Log lines are keyed by a masked account id and never
 * carry an email, a token or a request body (I7): no event is ever logged.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'lethe' });

export { maskId } from '../core/account-id.ts';
