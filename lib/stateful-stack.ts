/**
 * The example app's stateful stack: Lethe's state (lib/state.ts) and the
 * outputs the operator CLI reads. A team using the construct puts LetheState
 * wherever it likes; this stack is how the repository's own app does it.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { STACK_OUTPUTS } from '../functions/core/resources.ts';
import { LetheState } from './state.ts';

export class LetheStatefulStack extends Stack {
  readonly state: LetheState;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, {
      description:
        'Lethe stateful resources: the account lifecycle, audit and export tables, the exports bucket and the subject key (retained, encrypted)',
      ...props,
    });
    this.state = new LetheState(this, 'Lethe');
    new CfnOutput(this, STACK_OUTPUTS.accountsTable, {
      value: this.state.accountsTable.tableName,
      description: 'The Accounts table (lifecycle state and tombstones)',
    });
    new CfnOutput(this, STACK_OUTPUTS.auditTable, {
      value: this.state.auditTable.tableName,
      description: 'The Audit table (audit trails and deletion receipts, by subject)',
    });
    new CfnOutput(this, STACK_OUTPUTS.outboxTable, {
      value: this.state.outboxTable.tableName,
      description: 'The Outbox table (lifecycle events until they are published)',
    });
    new CfnOutput(this, STACK_OUTPUTS.subjectKeySecret, {
      value: this.state.subjectKey.secretArn,
      description: 'ARN of the subject key secret (the value itself is never output)',
    });
  }

  get accountsTable() {
    return this.state.accountsTable;
  }
  get auditTable() {
    return this.state.auditTable;
  }
  get exportsTable() {
    return this.state.exportsTable;
  }
  get outboxTable() {
    return this.state.outboxTable;
  }
  get subjectKey() {
    return this.state.subjectKey;
  }
  get exportsBucket() {
    return this.state.exportsBucket;
  }
  get exportsBucketResource(): Bucket {
    return this.state.exportsBucketResource;
  }
}
