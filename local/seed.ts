/**
 * Seeds demo accounts with data in every store of the demo data map, so
 * export and purge have something real to walk. Writes in batches.
 */

import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cognitoStores, type DataMap, fillTemplate, profileStore } from '../functions/core/data-map.ts';

const LOCALES = [
  { locale: 'en-GB', timeZone: 'Europe/London', name: 'Alex Morgan' },
  { locale: 'de-DE', timeZone: 'Europe/Berlin', name: 'Jana Schmidt' },
  { locale: 'fr-FR', timeZone: 'Europe/Paris', name: 'Camille Martin' },
  { locale: 'en-US', timeZone: 'America/New_York', name: 'Sam Taylor' },
];

export const demoAccountId = (n: number) => `demo-${String(n).padStart(4, '0')}`;
export const demoEmail = (accountId: string) => `${accountId}@example.com`;

const NOTES_PER_ACCOUNT = 5;
const SESSIONS_PER_ACCOUNT = 2;
const UPLOADS_PER_ACCOUNT = 2;

/** The items one demo account has in each DynamoDB table, by table name. */
export const demoItems = (
  map: DataMap,
  accountId: string,
  n: number,
): Map<string, Record<string, unknown>[]> => {
  const items = new Map<string, Record<string, unknown>[]>();
  const add = (table: string, item: Record<string, unknown>) =>
    items.set(table, [...(items.get(table) ?? []), item]);
  const person = LOCALES[n % LOCALES.length] ?? LOCALES[0];
  const profile = profileStore(map);
  const attrs = map.profile.attributes;
  add(profile.table, {
    [profile.key.partitionKey]: fillTemplate(profile.keyTemplate, accountId),
    [attrs.email]: demoEmail(accountId),
    ...(attrs.name && { [attrs.name]: person?.name }),
    ...(attrs.locale && { [attrs.locale]: person?.locale }),
    ...(attrs.timeZone && { [attrs.timeZone]: person?.timeZone }),
  });
  for (const store of map.stores) {
    if (store.kind === 'dynamodb-partition' && store.name !== profile.name) {
      for (let i = 1; i <= NOTES_PER_ACCOUNT; i += 1) {
        add(store.table, {
          [store.key.partitionKey]: fillTemplate(store.keyTemplate, accountId),
          ...(store.key.sortKey && { [store.key.sortKey]: `NOTE#${String(i).padStart(3, '0')}` }),
          title: `Note ${i}`,
          body: `Demo note ${i} of ${accountId}.`,
        });
      }
    }
    if (store.kind === 'dynamodb-index') {
      for (let i = 1; i <= SESSIONS_PER_ACCOUNT; i += 1) {
        add(store.table, {
          [store.key.partitionKey]: `${accountId}-session-${i}`,
          ...(store.key.sortKey && { [store.key.sortKey]: 'SESSION' }),
          [store.attribute]: accountId,
          device: i === 1 ? 'laptop' : 'phone',
        });
      }
    }
  }
  return items;
};

/** The objects one demo account has under each S3 prefix of the data map. */
export const demoUploads = (map: DataMap, accountId: string) =>
  map.stores.flatMap((store) =>
    store.kind === 's3-prefix'
      ? Array.from({ length: UPLOADS_PER_ACCOUNT }, (_, i) => ({
          store: store.name,
          bucket: store.bucket,
          key: `${fillTemplate(store.prefix, accountId)}photo-${i + 1}.txt`,
          body: `Demo upload ${i + 1} of ${accountId}.\n`,
        }))
      : [],
  );

export const putUploads = (s3: S3Client, uploads: ReturnType<typeof demoUploads>) =>
  Promise.all(
    uploads.map((u) =>
      s3.send(
        new PutObjectCommand({ Bucket: u.bucket, Key: u.key, Body: u.body, ContentType: 'text/plain' }),
      ),
    ),
  );

/** Writes items 25 at a time, retrying what comes back unprocessed. */
export const batchWrite = async (
  doc: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
) => {
  for (let i = 0; i < items.length; i += 25) {
    let requests: Record<string, unknown[]> = {
      [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    // UnprocessedItems are retried until none remain: seeding must be complete.
    for (let attempt = 0; Object.keys(requests).length > 0; attempt += 1) {
      if (attempt > 10) throw new Error(`Seeding ${table} kept coming back unprocessed`);
      const { UnprocessedItems } = await doc.send(new BatchWriteCommand({ RequestItems: requests as never }));
      requests = (UnprocessedItems ?? {}) as Record<string, unknown[]>;
    }
  }
};

/**
 * One user per demo account in each user pool of the data map, their username the account id, invited
 * without a message (MessageAction SUPPRESS: nothing is mailed).
 */
export const seedDemoUsers = async (cognitoEndpoint: string, map: DataMap, ids: readonly string[]) => {
  const pools = cognitoStores(map);
  if (pools.length === 0) return;
  const client = new CognitoIdentityProviderClient({
    endpoint: cognitoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    for (const pool of pools) {
      for (const id of ids) {
        try {
          await client.send(
            new AdminCreateUserCommand({
              UserPoolId: pool.userPoolId,
              Username: id,
              MessageAction: 'SUPPRESS',
              UserAttributes: [
                { Name: 'email', Value: demoEmail(id) },
                { Name: 'email_verified', Value: 'true' },
              ],
            }),
          );
        } catch (error) {
          if (!(error instanceof UsernameExistsException)) throw error;
        }
      }
    }
  } finally {
    client.destroy();
  }
};

export const seedDemoAccounts = async (
  doc: DynamoDBDocumentClient,
  s3: S3Client,
  map: DataMap,
  count: number,
  cognitoEndpoint?: string,
): Promise<string[]> => {
  const ids = Array.from({ length: count }, (_, i) => demoAccountId(i + 1));
  const byTable = new Map<string, Record<string, unknown>[]>();
  ids.forEach((id, i) => {
    for (const [table, items] of demoItems(map, id, i))
      byTable.set(table, [...(byTable.get(table) ?? []), ...items]);
  });
  await Promise.all([...byTable].map(([table, items]) => batchWrite(doc, table, items)));
  await putUploads(
    s3,
    ids.flatMap((id) => demoUploads(map, id)),
  );
  if (cognitoEndpoint) await seedDemoUsers(cognitoEndpoint, map, ids);
  return ids;
};
