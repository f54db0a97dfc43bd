/** The audit log every function that changes an account writes to, wired at cold start. */

import { AuditLog } from '../adapters/dynamo-audit.ts';
import { dynamo } from '../commons/clients.ts';
import { config } from '../commons/config.ts';
import { envOr, requireEnv } from '../commons/env.ts';
import { loadSubjectKey } from '../commons/subject-key.ts';
import { parseDuration } from '../core/duration.ts';
import { auditTable } from '../core/resources.ts';

export const subjectKey = await loadSubjectKey();

export const auditLog = new AuditLog(
  dynamo,
  requireEnv(auditTable.env),
  subjectKey,
  parseDuration(envOr('LETHE_AUDIT_RETENTION', config.auditRetention)),
);
