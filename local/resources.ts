/**
 * Creates in the stand-ins every table, index, queue and bucket Lethe and the
 * demo data map need, from the same definitions the CDK stacks use.
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
import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  QueueNameExists,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type DataMap, dynamoStores, type KeySchema, s3Stores } from '../functions/core/data-map.ts';
import {
  type IndexDefinition,
  letheBuckets,
  letheTables,
  type QueueDefinition,
  type TableDefinition,
  visibilityTimeoutSeconds,
} from '../functions/core/resources.ts';
import {
  type LifecycleExpiry,
  lifecycleExpiries,
  RETENTION_EXPIRY_ATTRIBUTE,
  RETENTION_INDEX,
  retentionIndex,
  retentionTasks,
} from '../functions/core/retention.ts';

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
  const numeric = new Set(indexes.filter((i) => i.numericSortKey).map((i) => i.sortKey));
  const attributes = new Set([
    key.partitionKey,
    key.sortKey,
    ...indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]);
  const definitions: AttributeDefinition[] = [...attributes]
    .filter((a): a is string => a !== undefined)
    .map((AttributeName) => ({ AttributeName, AttributeType: numeric.has(AttributeName) ? 'N' : 'S' }));
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

/**
 * The demo app's tables as the data map describes them, one definition per
 * table, with the sparse `lethe-retention` index (and TTL where a rule asks
 * for it) on each table a retention rule covers (docs/retention.md).
 */
export const dataMapTables = (map: DataMap): TableDefinition[] => {
  const tables = new Map<string, { key: KeySchema; indexes: IndexDefinition[]; ttl: boolean }>();
  for (const store of dynamoStores(map)) {
    const table = tables.get(store.table) ?? { key: store.key, indexes: [], ttl: false };
    if (store.kind === 'dynamodb-index' && !table.indexes.some((i) => i.name === store.index)) {
      table.indexes.push({ name: store.index, partitionKey: store.attribute, projection: 'ALL' });
    }
    tables.set(store.table, table);
  }
  for (const task of retentionTasks(map)) {
    const table = task.store.kind === 's3-prefix' ? undefined : tables.get(task.store.table);
    if (!table) continue;
    if (!table.indexes.some((i) => i.name === RETENTION_INDEX)) table.indexes.push(retentionIndex);
    table.ttl ||= task.rule.ttl === true;
  }
  return [...tables].map(([name, t]) => ({
    id: name,
    localName: name,
    env: '',
    key: t.key,
    indexes: t.indexes,
    ...(t.ttl && { ttlAttribute: RETENTION_EXPIRY_ATTRIBUTE }),
  }));
};

/** Returns true when it created anything (a fresh database, so seeding is wanted). */
export const createResources = async (ddb: DynamoDBClient, s3: S3Client, map: DataMap): Promise<boolean> => {
  let created = false;
  for (const table of [...letheTables, ...dataMapTables(map)]) {
    try {
      await ddb.send(
        new CreateTableCommand({
          ...createTableInput(table.localName, table.key, table.indexes),
          ...(table.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } }),
        }),
      );
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
  for (const bucket of new Set([
    ...s3Stores(map).map((s) => s.bucket),
    ...letheBuckets.map((b) => b.localName),
  ])) {
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (error) {
      if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
    }
  }
  // Like the construct on a bucket it defines: the stand-in keeps the rules (it expires nothing by itself).
  const rulesByBucket = new Map<string, LifecycleRule[]>();
  for (const { store, expiry } of lifecycleExpiries(map)) {
    rulesByBucket.set(store.bucket, [...(rulesByBucket.get(store.bucket) ?? []), lifecycleRuleOf(expiry)]);
  }
  for (const [bucket, rules] of rulesByBucket) {
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: rules },
      }),
    );
  }
  return created;
};

/** A `ttl` rule's lifecycle expiry as S3's API takes it. */
export const lifecycleRuleOf = (expiry: LifecycleExpiry): LifecycleRule => ({
  ID: expiry.id,
  Status: 'Enabled',
  Filter: { Prefix: expiry.prefix },
  Expiration: { Days: expiry.days },
  ...(expiry.versioned && { NoncurrentVersionExpiration: { NoncurrentDays: expiry.days } }),
});

/** The account id in every fauxqs queue URL and ARN. */
const LOCAL_ACCOUNT = '000000000000';
/** SQS's longest retention, as in the CDK app: a failed purge waits that long for an operator (I3). */
const RETENTION_SECONDS = String(14 * 86_400);

/**
 * A queue's URL on the stand-in. fauxqs answers CreateQueue with a URL on a
 * host like `sqs.us-east-1.localhost`, which does not resolve; its own
 * endpoint with the account and name in the path reaches the same queue.
 */
export const localQueueUrl = (sqsEndpoint: string, name: string) => `${sqsEndpoint}/${LOCAL_ACCOUNT}/${name}`;

export const dlqName = (queue: QueueDefinition) => `${queue.localName}-dlq`;

export interface LocalQueue {
  readonly definition: QueueDefinition;
  readonly url: string;
  /** The event source ARN Lambda puts on each record. */
  readonly arn: string;
  readonly dlqUrl: string;
  /** How long a received message stays hidden: a failed one comes back after this. */
  readonly visibilityTimeoutSeconds: number;
}

export interface QueueOptions {
  /** Overrides six times the consumer's timeout, for tests that watch redelivery. */
  readonly visibilityTimeoutSeconds?: number;
}

const queueArn = async (sqs: SQSClient, url: string): Promise<string> => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  if (!Attributes?.QueueArn) throw new Error(`The SQS stand-in gave no ARN for ${url}`);
  return Attributes.QueueArn;
};

/** Where the event publisher puts what EventBridge refused for good, whole (the CDK app's events DLQ). */
export const EVENTS_DLQ = 'lethe-events-dlq';

/** A queue with no consumer and no redrive: a dead-letter queue of its own. */
export const createPlainQueue = (sqs: SQSClient, sqsEndpoint: string, name: string) =>
  ensureQueue(sqs, sqsEndpoint, name, { MessageRetentionPeriod: RETENTION_SECONDS });

/** Creates a queue, or brings a kept one (LETHE_DATA_DIR) up to date, as a deploy would. */
const ensureQueue = async (
  sqs: SQSClient,
  sqsEndpoint: string,
  name: string,
  attributes: Record<string, string>,
): Promise<string> => {
  const url = localQueueUrl(sqsEndpoint, name);
  try {
    await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  } catch (error) {
    // fauxqs names it by its query-protocol code, which the SDK does not map to the class.
    const exists = error instanceof QueueNameExists || (error as Error).name?.endsWith('.QueueNameExists');
    if (!exists) throw error;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  }
  return url;
};

/**
 * Creates a queue and its DLQ as the CDK app does: the redrive policy moves a
 * message to the DLQ after `maxReceiveCount` deliveries (fauxqs honours it on
 * receive, as SQS does).
 */
export const createQueue = async (
  sqs: SQSClient,
  sqsEndpoint: string,
  queue: QueueDefinition,
  options: QueueOptions = {},
): Promise<LocalQueue> => {
  const dlqUrl = await ensureQueue(sqs, sqsEndpoint, dlqName(queue), {
    MessageRetentionPeriod: RETENTION_SECONDS,
  });
  const redrive = {
    deadLetterTargetArn: await queueArn(sqs, dlqUrl),
    maxReceiveCount: queue.maxReceiveCount,
  };
  const visibility = options.visibilityTimeoutSeconds ?? visibilityTimeoutSeconds(queue);
  const url = await ensureQueue(sqs, sqsEndpoint, queue.localName, {
    VisibilityTimeout: String(visibility),
    MessageRetentionPeriod: RETENTION_SECONDS,
    RedrivePolicy: JSON.stringify(redrive),
  });
  return {
    definition: queue,
    url,
    arn: await queueArn(sqs, url),
    dlqUrl,
    visibilityTimeoutSeconds: visibility,
  };
};

export const createQueues = async (
  sqs: SQSClient,
  sqsEndpoint: string,
  queues: readonly QueueDefinition[],
): Promise<LocalQueue[]> => {
  const created: LocalQueue[] = [];
  for (const queue of queues) created.push(await createQueue(sqs, sqsEndpoint, queue));
  return created;
};
