import { Match } from 'aws-cdk-lib/assertions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  accountsTable,
  auditTable,
  exportsBucket,
  exportsTable,
  letheTables,
  STACK_OUTPUTS,
} from '../../functions/core/resources.ts';
import { logicalIdOf, resourcesOf, synthLethe } from './synth.ts';

// Arrange (shared): one synth for the whole file.
const { stateful, statefulTemplate: template } = synthLethe();
const resources = resourcesOf(template);
const tables: [string, Table][] = [
  ['Accounts', stateful.accountsTable],
  ['Audit', stateful.auditTable],
  ['Exports', stateful.exportsTable],
];
const tableOf = (table: Table) => resources[logicalIdOf(table)]!;

describe('LetheStateful tables', () => {
  it('holds exactly the tables in letheTables, and nothing else that keeps data', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', letheTables.length);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    expect(letheTables.map((t) => t.id).sort()).toEqual(['Accounts', 'Audit', 'Exports', 'Outbox']);
  });

  it('builds the Accounts table from its definition: key and on-demand billing', () => {
    expect(tableOf(stateful.accountsTable).Properties).toMatchObject({
      KeySchema: [{ AttributeName: accountsTable.key.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('builds the Audit table from its definition: subject and sort key, on demand', () => {
    expect(tableOf(stateful.auditTable).Properties).toMatchObject({
      KeySchema: [
        { AttributeName: auditTable.key.partitionKey, KeyType: 'HASH' },
        { AttributeName: auditTable.key.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('expires audit events by TTL on expiresAt, and nothing on Accounts', () => {
    expect(tableOf(stateful.auditTable).Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
    expect(tableOf(stateful.accountsTable).Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it.each(tables)(
    'keeps the %s table: retained on delete and replace, with deletion protection',
    (_n, table) => {
      const resource = tableOf(table);
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
      expect(resource.Properties.DeletionProtectionEnabled).toBe(true);
    },
  );

  it.each(tables)('recovers the %s table to any second: point-in-time recovery on', (_n, table) => {
    expect(tableOf(table).Properties.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
  });

  it.each(tables)('encrypts the %s table with KMS, as the other', (_n, table) => {
    expect(tableOf(table).Properties.SSESpecification).toEqual({ SSEEnabled: true });
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

describe('LetheStateful exports', () => {
  it('expires export records by TTL on ttl, a day after their archives', () => {
    expect(tableOf(stateful.exportsTable).Properties.TimeToLiveSpecification).toEqual({
      AttributeName: exportsTable.ttlAttribute,
      Enabled: true,
    });
    expect(tableOf(stateful.exportsTable).Properties.KeySchema).toEqual([
      { AttributeName: 'accountId', KeyType: 'HASH' },
      { AttributeName: 'exportId', KeyType: 'RANGE' },
    ]);
  });

  const bucket = () => resources[logicalIdOf(stateful.exportsBucketResource)]!;

  it('keeps archives private and encrypted: SSE, all public access blocked, owner-enforced', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    expect(bucket().Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket().Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket().Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
    expect(bucket().Properties.VersioningConfiguration).toBeUndefined();
  });

  it('deletes archives 7 days after they were written, and abandoned uploads after a day', () => {
    const lifecycle = bucket().Properties.LifecycleConfiguration as { Rules: unknown[] };
    expect(lifecycle.Rules).toEqual([
      {
        Id: 'expire-exports',
        Status: 'Enabled',
        ExpirationInDays: exportsBucket.expirationDays,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
    expect(exportsBucket.expirationDays).toBe(7);
  });

  it('refuses plain HTTP, and is retained on stack deletion like every stateful resource', () => {
    const [, policy] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::S3::BucketPolicy')!;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    expect(bucket().DeletionPolicy).toBe('Retain');
    expect(bucket().UpdateReplacePolicy).toBe('Retain');
  });
});

describe('LetheStateful subject key', () => {
  const secret = () => resources[logicalIdOf(stateful.subjectKey)]!;

  it('is generated by Secrets Manager: 64 letters and digits, no punctuation or spaces', () => {
    expect(secret().Properties.GenerateSecretString).toEqual({
      PasswordLength: 64,
      ExcludePunctuation: true,
      IncludeSpace: false,
    });
    expect(secret().Properties.SecretString).toBeUndefined();
  });

  it('is retained on stack deletion', () => {
    expect(secret().DeletionPolicy).toBe('Retain');
    expect(secret().UpdateReplacePolicy).toBe('Retain');
  });

  it('never rotates: no rotation schedule anywhere', () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });
});

describe('LetheStateful outputs', () => {
  it('names the tables and the secret as the operator CLI expects (STACK_OUTPUTS)', () => {
    template.hasOutput(STACK_OUTPUTS.accountsTable, { Value: { Ref: logicalIdOf(stateful.accountsTable) } });
    template.hasOutput(STACK_OUTPUTS.auditTable, { Value: { Ref: logicalIdOf(stateful.auditTable) } });
    template.hasOutput(STACK_OUTPUTS.subjectKeySecret, { Value: { Ref: logicalIdOf(stateful.subjectKey) } });
  });
});
