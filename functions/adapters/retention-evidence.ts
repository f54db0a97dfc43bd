/**
 * Each retention run's counts per category, as an audit event under the
 * category's subject and as CloudWatch metrics (EMF) with the category as
 * dimension: no account id, no key, no address (I6).
 */

import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { retentionSubject } from '../core/audit.ts';
import type { CategoryRun } from '../core/retention.ts';
import type { RetentionEvidence } from '../retention/ports.ts';
import type { AuditLog } from './dynamo-audit.ts';

export class RetentionAuditAndMetrics implements RetentionEvidence {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly audit: AuditLog,
    private readonly metrics: Metrics,
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
      this.metrics.addDimension('category', run.category);
      this.metrics.addMetric('RetentionDeleted', MetricUnit.Count, run.deleted);
      this.metrics.addMetric('RetentionHeld', MetricUnit.Count, run.held);
      this.metrics.addMetric('RetentionRead', MetricUnit.Count, run.read);
      this.metrics.addMetric('RetentionIncomplete', MetricUnit.Count, run.complete ? 0 : 1);
      this.metrics.publishStoredMetrics();
    }
  }
}
