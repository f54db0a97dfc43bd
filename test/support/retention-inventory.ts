/**
 * Every item and object the retention rules cover, with its owner and age,
 * read consistently (a Scan of each table, a listing of each prefix): what
 * the retention tests count before and after a run.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  accountOfItem,
  accountOfKey,
  parseItemTime,
  type RetentionTask,
  staticPrefix,
} from '../../functions/core/retention.ts';

export interface Held {
  readonly category: string;
  readonly store: string;
  readonly id: string;
  readonly accountId?: string;
  readonly ageMs: number;
  readonly windowMs: number;
}

/** Every item and object each retention category covers, with its owner and age, read consistently. */
export const retentionInventory = async (
  clients: { readonly doc: DynamoDBDocumentClient; readonly s3: S3Client },
  tasks: readonly RetentionTask[],
  now: number,
): Promise<Held[]> => {
  const { doc, s3 } = clients;
  const found: Held[] = [];
  for (const task of tasks) {
    const base = { category: task.rule.category, store: task.store.name, windowMs: task.windowMs };
    if (task.store.kind === 's3-prefix') {
      const store = task.store;
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({
            Bucket: store.bucket,
            Prefix: staticPrefix(store.prefix),
            ...(token && { ContinuationToken: token }),
          }),
        );
        for (const o of page.Contents ?? []) {
          const accountId = accountOfKey(store, o.Key ?? '');
          found.push({
            ...base,
            id: o.Key ?? '',
            ...(accountId && { accountId }),
            ageMs: now - (o.LastModified?.getTime() ?? now),
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } else if ('timeAttribute' in task) {
      const { store, timeAttribute } = task;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new ScanCommand({
            TableName: store.table,
            ConsistentRead: true,
            ...(start && { ExclusiveStartKey: start }),
          }),
        );
        for (const item of page.Items ?? []) {
          const accountId = accountOfItem(store, item);
          found.push({
            ...base,
            id: JSON.stringify(item[store.key.partitionKey]),
            ...(accountId && { accountId }),
            ageMs: now - (parseItemTime(item[timeAttribute]) ?? now),
          });
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
  }
  return found;
};
