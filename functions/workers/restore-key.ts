/** The restore link's HMAC key, derived at cold start from the subject key (see core/restore-token.ts). */
import { restoreKeyFrom } from '../core/restore-token.ts';
import { subjectKey } from './audit-log.ts';

export const restoreKey = restoreKeyFrom(subjectKey);
