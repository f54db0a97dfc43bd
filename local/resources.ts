/**
 * Creates in the stand-ins every table, index and bucket Lethe and the demo
 * data map need, from the same definitions the CDK stacks use.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { BucketAlreadyOwnedByYou, CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DataMap, dynamoStores, type KeySchema, s3Stores } from '../functions/core/data-map.ts';
import { type IndexDefinition, letheTables, type TableDefinition } from '../functions/core/resources.ts';

const keySchemaOf = (key: KeySchema) => [
  { AttributeName: key.partitionKey, KeyType: 'HASH' as const },
  ...(key.sortKey ? [{ AttributeName: key.sortKey, KeyType: 'RANGE' as const }] : []),
];

/** Builds CreateTable input; every key attribute is a string in Lethe's and the demo's schemas. */
export const createTableInput = (
  name: string,
  key: KeySchema,
  indexes: readonly IndexDefinition[],
): CreateTableCommandInput => {
  const attributes = new Set([
    key.partitionKey,
    key.sortKey,
    ...indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]);
  const definitions: AttributeDefinition[] = [...attributes]
    .filter((a): a is string => a !== undefined)
    .map((AttributeName) => ({ AttributeName, AttributeType: 'S' }));
  const gsis: GlobalSecondaryIndex[] = indexes.map((index) => ({
    IndexName: index.name,
    KeySchema: keySchemaOf(index),
    Projection: { ProjectionType: index.projection },
  }));
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keySchemaOf(key),
    AttributeDefinitions: definitions,
    ...(gsis.length > 0 && { GlobalSecondaryIndexes: gsis }),
  };
};

/** The demo app's tables as the data map describes them, one definition per table. */
export const dataMapTables = (map: DataMap): TableDefinition[] => {
  const tables = new Map<string, { key: KeySchema; indexes: IndexDefinition[] }>();
  for (const store of dynamoStores(map)) {
    const table = tables.get(store.table) ?? { key: store.key, indexes: [] };
    if (store.kind === 'dynamodb-index' && !table.indexes.some((i) => i.name === store.index)) {
      table.indexes.push({ name: store.index, partitionKey: store.attribute, projection: 'ALL' });
    }
    tables.set(store.table, table);
  }
  return [...tables].map(([name, t]) => ({
    id: name,
    localName: name,
    env: '',
    key: t.key,
    indexes: t.indexes,
  }));
};

/** Returns true when it created anything (a fresh database, so seeding is wanted). */
export const createResources = async (ddb: DynamoDBClient, s3: S3Client, map: DataMap): Promise<boolean> => {
  let created = false;
  for (const table of [...letheTables, ...dataMapTables(map)]) {
    try {
      await ddb.send(new CreateTableCommand(createTableInput(table.localName, table.key, table.indexes)));
      await waitUntilTableExists({ client: ddb, maxWaitTime: 30 }, { TableName: table.localName });
      if (table.ttlAttribute) {
        await ddb.send(
          new UpdateTimeToLiveCommand({
            TableName: table.localName,
            TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
          }),
        );
      }
      created = true;
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  for (const bucket of new Set(s3Stores(map).map((s) => s.bucket))) {
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (error) {
      if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
    }
  }
  return created;
};
