/**
 * Each retention run's counts per category, as an audit event under the
 * category's subject: no account id, no key, no address (I6). The same counts
 * go to the metrics port from the use case (functions/core/metrics.ts).
 */

import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { retentionSubject } from '../core/audit.ts';
import type { CategoryRun } from '../core/retention.ts';
import type { RetentionEvidence } from '../retention/ports.ts';
import type { AuditLog } from './dynamo-audit.ts';

export class RetentionAudit implements RetentionEvidence {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly audit: AuditLog,
  ) {}

  async record(runs: readonly CategoryRun[], at: string): Promise<void> {
    for (const run of runs) {
      await this.client.send(
        new PutCommand(
          this.audit.put({
            subject: retentionSubject(run.category),
            at,
            kind: 'retention-run',
            actor: 'system',
            target: run.category,
            count: run.deleted,
            held: run.held,
            read: run.read,
          }),
        ),
      );
    }
  }
}
