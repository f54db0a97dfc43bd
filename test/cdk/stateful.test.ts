import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { accountsTable, letheTables } from '../../functions/core/resources.ts';
import { synthLethe } from './synth.ts';

// Arrange (shared): one synth for the whole file.
const { stateful, statefulTemplate: template } = synthLethe();
const accountsId = () => stateful.getLogicalId(stateful.accountsTable.node.defaultChild as never);

describe('LetheStateful', () => {
  it('holds exactly the tables in letheTables, and nothing else that keeps data', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', letheTables.length);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
  });

  it('builds the Accounts table from its definition: key and on-demand billing', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: accountsTable.key.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('keeps the Accounts table: retained on delete and replace, with deletion protection', () => {
    const resource = template.toJSON().Resources[accountsId()];
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    expect(resource.Properties.DeletionProtectionEnabled).toBe(true);
  });

  it('recovers the Accounts table to any second: point-in-time recovery on', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('encrypts the Accounts table with KMS', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true } });
  });

  it('creates every index of the definition with its keys and projection', () => {
    for (const index of accountsTable.indexes) {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: Match.arrayWith([
          {
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              ...(index.sortKey !== undefined ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' }] : []),
            ],
            Projection: { ProjectionType: index.projection },
          },
        ]),
      });
    }
    expect(accountsTable.indexes.map((i) => i.name)).toContain('due');
  });
});
