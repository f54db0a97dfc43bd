/**
 * IAM for the host app's stores, straight from the data map: each store is
 * addressed by name (the host app owns it; Lethe never creates or imports
 * it) and gets exactly the actions the adapters in functions/adapters/ call.
 * Purge finds and deletes; export finds and reads (never writes).
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import {
  ACCOUNT_ID_PLACEHOLDER,
  type CognitoUserPoolStore,
  cognitoStores,
  type DataMap,
  type DynamoStore,
  dynamoStores,
  type S3PrefixStore,
  s3Stores,
} from '../functions/core/data-map.ts';
import { nagTextOf } from './nag.ts';

/** What a function does with a store: find an account's items, or find and delete them. */
export type DataMapAccess = 'list' | 'purge' | 'export';

/**
 * Exactly what functions/adapters/dynamo-purger.ts and s3-purger.ts call.
 * A partition store is read with Query on the table, an index store with
 * Query on the index, and purge deletes in BatchWriteItem; an index store's
 * rescan also BatchGetItems keys to skip what the index still lists but the
 * table no longer has. S3 deletes go through DeleteObjects, which IAM checks
 * per object as DeleteObject (DeleteObjectVersion with a version id).
 */
export const DATA_MAP_ACTIONS = {
  partitionQuery: ['dynamodb:Query'],
  indexQuery: ['dynamodb:Query'],
  partitionDelete: ['dynamodb:BatchWriteItem'],
  indexDelete: ['dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem'],
  list: ['s3:ListBucket'],
  listVersions: ['s3:ListBucketVersions'],
  deleteObject: ['s3:DeleteObject'],
  deleteVersion: ['s3:DeleteObjectVersion'],
  /** Export (functions/adapters/data-map-reader.ts): an index lookup reads whole items from the table. */
  indexRead: ['dynamodb:BatchGetItem'],
  getObject: ['s3:GetObject'],
} as const satisfies Record<string, readonly string[]>;

export const tableArnOf = (scope: IConstruct, table: string): string =>
  Stack.of(scope).formatArn({ service: 'dynamodb', resource: 'table', resourceName: table });

export const indexArnOf = (scope: IConstruct, table: string, index: string): string =>
  Stack.of(scope).formatArn({
    service: 'dynamodb',
    resource: 'table',
    resourceName: `${table}/index/${index}`,
  });

/**
 * An S3 prefix template as an IAM pattern: each account id placeholder
 * becomes `*`. Every account's prefix matches it and nothing outside the
 * store's part of the bucket does.
 */
export const prefixPatternOf = (store: S3PrefixStore): string =>
  store.prefix.split(ACCOUNT_ID_PLACEHOLDER).join('*');

export const bucketArnOf = (scope: IConstruct, bucket: string): string =>
  Stack.of(scope).formatArn({
    service: 's3',
    region: '',
    account: '',
    resource: bucket,
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });

/** The objects under a store's prefix, in every account's folder. */
export const objectsArnOf = (scope: IConstruct, store: S3PrefixStore): string =>
  Stack.of(scope).formatArn({
    service: 's3',
    region: '',
    account: '',
    resource: store.bucket,
    resourceName: `${prefixPatternOf(store)}*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });

const dynamoStatements = (
  scope: IConstruct,
  store: DynamoStore,
  access: DataMapAccess,
): PolicyStatement[] => {
  const table = tableArnOf(scope, store.table);
  if (store.kind === 'dynamodb-partition') {
    return [
      new PolicyStatement({
        actions: [
          ...DATA_MAP_ACTIONS.partitionQuery,
          ...(access === 'purge' ? DATA_MAP_ACTIONS.partitionDelete : []),
        ],
        resources: [table],
      }),
    ];
  }
  return [
    new PolicyStatement({
      actions: [...DATA_MAP_ACTIONS.indexQuery],
      resources: [indexArnOf(scope, store.table, store.index)],
    }),
    ...(access === 'purge'
      ? [new PolicyStatement({ actions: [...DATA_MAP_ACTIONS.indexDelete], resources: [table] })]
      : []),
    ...(access === 'export'
      ? [new PolicyStatement({ actions: [...DATA_MAP_ACTIONS.indexRead], resources: [table] })]
      : []),
  ];
};

const s3Statements = (scope: IConstruct, store: S3PrefixStore, access: DataMapAccess): PolicyStatement[] => {
  const listing = new PolicyStatement({
    actions: [...DATA_MAP_ACTIONS.list, ...(store.versioned ? DATA_MAP_ACTIONS.listVersions : [])],
    resources: [bucketArnOf(scope, store.bucket)],
    // Listing is the bucket-level action: the condition keeps it to the store's prefixes.
    conditions: { StringLike: { 's3:prefix': prefixPatternOf(store) } },
  });
  if (access === 'list') return [listing];
  if (access === 'export') {
    return [
      listing,
      new PolicyStatement({
        actions: [...DATA_MAP_ACTIONS.getObject],
        resources: [objectsArnOf(scope, store)],
      }),
    ];
  }
  return [
    listing,
    new PolicyStatement({
      actions: [...DATA_MAP_ACTIONS.deleteObject, ...(store.versioned ? DATA_MAP_ACTIONS.deleteVersion : [])],
      resources: [objectsArnOf(scope, store)],
    }),
  ];
};

/**
 * Every statement a function needs for `access` over the whole data map.
 * Processors are reached over HTTPS with a signed request: no IAM.
 */
export const dataMapStatements = (
  scope: IConstruct,
  map: DataMap,
  access: DataMapAccess,
): PolicyStatement[] => [
  ...dynamoStores(map).flatMap((store) => dynamoStatements(scope, store, access)),
  ...s3Stores(map).flatMap((store) => s3Statements(scope, store, access)),
  ...cognitoStores(map).flatMap((store) => cognitoStatements(scope, store, access)),
];

/** A user pool's ARN, from its id: the data map names pools by id. */
export const userPoolArnOf = (scope: IConstruct, store: CognitoUserPoolStore): string =>
  Stack.of(scope).formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: store.userPoolId });

/**
 * Exactly what functions/adapters/cognito-users.ts calls for each use: finding the user (ListUsers only when
 * the account id is the `sub`), then deleting (purge), reading (export) or disabling, ending sessions and
 * enabling (the sign-in follower). Listing (the dry run) counts the user with AdminGetUser.
 */
export const COGNITO_ACTIONS = {
  purge: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser'],
  export: ['cognito-idp:AdminGetUser'],
  list: ['cognito-idp:AdminGetUser'],
  follow: [
    'cognito-idp:AdminGetUser',
    'cognito-idp:AdminDisableUser',
    'cognito-idp:AdminUserGlobalSignOut',
    'cognito-idp:AdminEnableUser',
  ],
} as const;

export const cognitoStatements = (
  scope: IConstruct,
  store: CognitoUserPoolStore,
  access: DataMapAccess | 'follow',
): PolicyStatement[] => {
  const actions: string[] = [...COGNITO_ACTIONS[access]];
  if (actions.length === 0) return [];
  if (store.accountIdIs === 'sub') actions.push('cognito-idp:ListUsers');
  return [new PolicyStatement({ actions, resources: [userPoolArnOf(scope, store)] })];
};

/** The IAM5 finding cdk-nag raises for a store's object pattern, and the resource it names. */
export const s3WildcardFindings = (
  scope: IConstruct,
  map: DataMap,
): { store: S3PrefixStore; finding: string }[] =>
  s3Stores(map).map((store) => ({
    store,
    finding: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${nagTextOf(scope, store.bucket)}/${prefixPatternOf(store)}*]`,
  }));
