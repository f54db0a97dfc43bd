/** The audit log every function that changes an account writes to, wired at cold start. */

import { AuditLog } from '../adapters/dynamo-audit.ts';
import { parseDuration } from '../core/duration.ts';
import { auditTable } from '../core/resources.ts';
import { dynamo } from './clients.ts';
import { config } from './config.ts';
import { envOr, requireEnv } from './env.ts';
import { loadSubjectKey } from './subject-key.ts';

export const subjectKey = await loadSubjectKey();

export const auditLog = new AuditLog(
  dynamo,
  requireEnv(auditTable.env),
  subjectKey,
  parseDuration(envOr('LETHE_AUDIT_RETENTION', config.auditRetention)),
);
