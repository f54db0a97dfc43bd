/**
 * Lethe's stateful resources, kept apart from the stateless ones so the API
 * and functions can be replaced, renamed or torn down without touching data.
 * Tables are built from their plain-data definitions in
 * functions/core/resources.ts, the same ones local mode creates.
 */
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { accountsTable, letheTables, type TableDefinition } from '../functions/core/resources.ts';

/** Every key Lethe writes is a string (account ids, shard names, ISO times). */
const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

/**
 * A table from its definition: on demand, point-in-time recovery, deletion
 * protection, retained when the stack goes.
 *
 * Encryption is KMS with the AWS managed key (aws/dynamodb): every read and
 * write is still KMS-encrypted and logged in CloudTrail and the key rotates
 * yearly, but there is no key policy to get wrong and no key that, disabled
 * or scheduled for deletion, would make the purge schedule unreadable (P2).
 * Switching to a customer managed key later is an in-place update.
 */
export const tableFrom = (scope: Construct, definition: TableDefinition): Table => {
  const table = new Table(scope, definition.id, {
    partitionKey: stringKey(definition.key.partitionKey),
    ...(definition.key.sortKey !== undefined && { sortKey: stringKey(definition.key.sortKey) }),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    ...(definition.ttlAttribute !== undefined && { timeToLiveAttribute: definition.ttlAttribute }),
  });
  for (const index of definition.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: stringKey(index.partitionKey),
      ...(index.sortKey !== undefined && { sortKey: stringKey(index.sortKey) }),
      projectionType: index.projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
    });
  }
  return table;
};

export class LetheStatefulStack extends Stack {
  /** Every table in `letheTables`, by definition id. */
  readonly tables: ReadonlyMap<string, Table>;
  /** One item per account: its lifecycle state. */
  readonly accountsTable: Table;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, {
      description: 'Lethe stateful resources: the account lifecycle table (retained, PITR, encrypted)',
      ...props,
    });
    this.tables = new Map(letheTables.map((definition) => [definition.id, tableFrom(this, definition)]));
    this.accountsTable = this.tables.get(accountsTable.id)!;
  }
}
