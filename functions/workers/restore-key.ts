/** Keys derived at cold start from the subject key: the restore link's (core/restore-token.ts) and address digests' (core/notices.ts). */
import { addressKeyFrom } from '../core/notices.ts';
import { restoreKeyFrom } from '../core/restore-token.ts';
import { subjectKey } from './audit-log.ts';

export const restoreKey = restoreKeyFrom(subjectKey);
export const addressKey = addressKeyFrom(subjectKey);
