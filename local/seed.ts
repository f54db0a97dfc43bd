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
import {
  cognitoStores,
  type DataMap,
  fillTemplate,
  profileStore,
  type RetentionRule,
} from '../functions/core/data-map.ts';
import { parseDuration } from '../functions/core/duration.ts';
import { retentionAttributes } from '../functions/core/retention.ts';
import { demoAccountId } from './demo-ids.ts';
import { LOCAL_LAST_MODIFIED_META } from './stand-ins.ts';

/** The demo accounts' people, in turn: the locales and time zones their notices and pages are written for. */
export const LOCALES = [
  { locale: 'en-GB', timeZone: 'Europe/London', name: 'Alex Morgan' },
  { locale: 'de-DE', timeZone: 'Europe/Berlin', name: 'Jana Schmidt' },
  { locale: 'fr-FR', timeZone: 'Europe/Paris', name: 'Camille Martin' },
  { locale: 'en-US', timeZone: 'America/New_York', name: 'Sam Taylor' },
];

export { demoAccountId };
export const demoEmail = (accountId: string) => `${accountId}@example.com`;

const NOTES_PER_ACCOUNT = 5;
const SESSIONS_PER_ACCOUNT = 2;
const UPLOADS_PER_ACCOUNT = 2;
/**
 * Ages of a retention category's items, as fractions of its window: two
 * inside it, one just past window + a day's lag, one far past it (P9), so
 * local mode's first sweep has something to expire and something to keep.
 */
export const RETENTION_AGES: readonly number[] = [0.1, 0.5, 1.5, 12];
/** Only ages inside the window: for accounts whose counts must not change when retention runs. */
export const YOUNG_AGES: readonly number[] = [0.1, 0.5];

/** The rule covering a store, if any, and the attribute holding its items' time. */
const ruleOf = (map: DataMap, store: string): { rule: RetentionRule; timeAttribute?: string } | undefined => {
  for (const rule of map.retention ?? []) {
    const target = rule.stores?.find((t) => t.store === store);
    if (target) return { rule, ...(target.timeAttribute && { timeAttribute: target.timeAttribute }) };
  }
  return undefined;
};

/** Item i's time under a rule, `now` minus its age; usage events keep epoch milliseconds, the rest ISO strings. */
const agedTime = (rule: RetentionRule, age: number, now: number) => now - parseDuration(rule.window) * age;

/** The items one demo account has in each DynamoDB table, by table name. */
export const demoItems = (
  map: DataMap,
  accountId: string,
  n: number,
  ages: readonly number[] = RETENTION_AGES,
  now = Date.now(),
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
      const retention = ruleOf(map, store.name);
      const count = retention ? ages.length : SESSIONS_PER_ACCOUNT;
      for (let i = 1; i <= count; i += 1) {
        const id = `${accountId}-${store.name}-${i}`;
        const at = retention ? agedTime(retention.rule, ages[i - 1] ?? 0, now) : undefined;
        add(store.table, {
          [store.key.partitionKey]: id,
          ...(store.key.sortKey && { [store.key.sortKey]: 'ITEM' }),
          [store.attribute]: accountId,
          ...(store.name === 'usage-events'
            ? { event: 'page_view', page: i % 2 === 0 ? '/notes' : '/settings' }
            : { device: i % 2 === 1 ? 'laptop' : 'phone' }),
          // The item's time, and what the host app writes with Lethe's helper so the item can expire (P9).
          ...(retention?.timeAttribute &&
            at !== undefined && {
              [retention.timeAttribute]: store.name === 'usage-events' ? at : new Date(at).toISOString(),
              ...retentionAttributes(retention.rule, at, id),
            }),
        });
      }
    }
  }
  return items;
};

/**
 * The objects one demo account has under each S3 prefix of the data map; a
 * store a retention rule covers gets objects of mixed ages (LastModified set
 * by the S3 stand-in from `lastModified`, local mode only).
 */
export const demoUploads = (
  map: DataMap,
  accountId: string,
  ages: readonly number[] = RETENTION_AGES,
  now = Date.now(),
) =>
  map.stores.flatMap((store) => {
    if (store.kind !== 's3-prefix') return [];
    const retention = ruleOf(map, store.name);
    return Array.from({ length: retention ? ages.length : UPLOADS_PER_ACCOUNT }, (_, i) => ({
      store: store.name,
      bucket: store.bucket,
      key: `${fillTemplate(store.prefix, accountId)}photo-${i + 1}.txt`,
      body: `Demo ${store.name} ${i + 1} of ${accountId}.\n`,
      ...(retention && { lastModified: new Date(agedTime(retention.rule, ages[i] ?? 0, now)).toISOString() }),
    }));
  });

export const putUploads = (s3: S3Client, uploads: ReturnType<typeof demoUploads>) =>
  Promise.all(
    uploads.map((u) =>
      s3.send(
        new PutObjectCommand({
          Bucket: u.bucket,
          Key: u.key,
          Body: u.body,
          ContentType: 'text/plain',
          ...(u.lastModified && { Metadata: { [LOCAL_LAST_MODIFIED_META]: u.lastModified } }),
        }),
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
