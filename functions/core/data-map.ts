/**
 * The data map: where the host app keeps an account's data. One declaration
 * drives both the CDK grants (exactly these resources) and the runtime (what
 * export reads and purge deletes). No AWS SDK here: plain data and helpers.
 */

/** A placeholder every key template and prefix must carry. */
export const ACCOUNT_ID_PLACEHOLDER = '{accountId}';

export interface KeySchema {
  /** Partition key attribute name. */
  readonly partitionKey: string;
  /** Sort key attribute name, when the table has one. */
  readonly sortKey?: string;
}

/** Every item in one partition belongs to the account: `pk = USER#{accountId}`. */
export interface DynamoPartitionStore {
  readonly kind: 'dynamodb-partition';
  readonly name: string;
  readonly table: string;
  readonly key: KeySchema;
  /** The partition key value, e.g. `USER#{accountId}`. */
  readonly keyTemplate: string;
}

/** Items found through a global secondary index on an attribute holding the account id. */
export interface DynamoIndexStore {
  readonly kind: 'dynamodb-index';
  readonly name: string;
  readonly table: string;
  readonly key: KeySchema;
  readonly index: string;
  /** The attribute the index is keyed on; its value is the account id. */
  readonly attribute: string;
}

/** Every object under a prefix, e.g. `uploads/{accountId}/`. */
export interface S3PrefixStore {
  readonly kind: 's3-prefix';
  readonly name: string;
  readonly bucket: string;
  readonly prefix: string;
  /** A versioned bucket: purge deletes every version and delete marker, not only the current objects. */
  readonly versioned?: boolean;
}

/** A third party that keeps a copy and deletes it when asked (P5). */
export interface ProcessorStore {
  readonly kind: 'processor';
  readonly name: string;
  /** HTTPS endpoint that accepts a signed deletion request. */
  readonly deletionUrl: string;
  /** How long the processor may take to confirm, as an ISO-8601 duration (≤ P30D). */
  readonly deadline: string;
}

/**
 * A Cognito user pool holding the account's sign-in identity. Deactivation
 * disables the user and ends their sessions, restore enables them, the purge
 * deletes them and the export includes their attributes.
 */
export interface CognitoUserPoolStore {
  readonly kind: 'cognito-user-pool';
  readonly name: string;
  /** The pool's id, e.g. `eu-west-1_AbC123` (the construct also takes an `IUserPool`). */
  readonly userPoolId: string;
  /**
   * What the account id is in the pool: the user's `username` (the default)
   * or the value of their `sub` attribute (looked up with ListUsers).
   */
  readonly accountIdIs?: 'username' | 'sub';
}

export type Store =
  | DynamoPartitionStore
  | DynamoIndexStore
  | S3PrefixStore
  | ProcessorStore
  | CognitoUserPoolStore;
export type DynamoStore = DynamoPartitionStore | DynamoIndexStore;

/** Where the profile (email, name, locale) is read from. */
export interface ProfileSource {
  /** The name of a `dynamodb-partition` store in `stores` whose single item is the profile. */
  readonly store: string;
  readonly attributes: {
    readonly email: string;
    readonly name?: string;
    readonly locale?: string;
    readonly timeZone?: string;
  };
}

export interface DataMap {
  readonly profile: ProfileSource;
  readonly stores: readonly Store[];
}

export interface Profile {
  readonly email: string;
  readonly name?: string;
  readonly locale?: string;
  readonly timeZone?: string;
}

export const fillTemplate = (template: string, accountId: string): string =>
  template.split(ACCOUNT_ID_PLACEHOLDER).join(accountId);

export const dynamoStores = (map: DataMap): DynamoStore[] =>
  map.stores.filter((s): s is DynamoStore => s.kind === 'dynamodb-partition' || s.kind === 'dynamodb-index');

export const s3Stores = (map: DataMap): S3PrefixStore[] =>
  map.stores.filter((s): s is S3PrefixStore => s.kind === 's3-prefix');

export const cognitoStores = (map: DataMap): CognitoUserPoolStore[] =>
  map.stores.filter((s): s is CognitoUserPoolStore => s.kind === 'cognito-user-pool');

export const profileStore = (map: DataMap): DynamoPartitionStore => {
  const store = map.stores.find((s) => s.name === map.profile.store);
  if (store?.kind !== 'dynamodb-partition') {
    throw new Error(`data map: profile.store "${map.profile.store}" must name a dynamodb-partition store`);
  }
  return store;
};

/**
 * Checks a data map once, where it is loaded (CDK synth and cold start), so a
 * typo fails loudly instead of silently skipping data at purge time.
 */
export const validateDataMap = (map: DataMap): DataMap => {
  const names = new Set<string>();
  for (const store of map.stores) {
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(store.name)) {
      throw new Error(`data map: store name "${store.name}" must be lower-case letters, digits and dashes`);
    }
    if (names.has(store.name)) throw new Error(`data map: store name "${store.name}" is used twice`);
    names.add(store.name);
    if (store.kind === 'dynamodb-partition' && !store.keyTemplate.includes(ACCOUNT_ID_PLACEHOLDER)) {
      throw new Error(`data map: store "${store.name}" keyTemplate must contain ${ACCOUNT_ID_PLACEHOLDER}`);
    }
    if (store.kind === 's3-prefix') {
      if (!store.prefix.includes(ACCOUNT_ID_PLACEHOLDER) || !store.prefix.endsWith('/')) {
        throw new Error(
          `data map: store "${store.name}" prefix must contain ${ACCOUNT_ID_PLACEHOLDER} and end with "/"`,
        );
      }
    }
    if (store.kind === 'processor' && !store.deletionUrl.startsWith('https://')) {
      throw new Error(`data map: processor "${store.name}" deletionUrl must be https`);
    }
    if (store.kind === 'cognito-user-pool') {
      if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(store.userPoolId)) {
        throw new Error(
          `data map: store "${store.name}" userPoolId "${store.userPoolId}" is not a user pool id`,
        );
      }
      if (
        store.accountIdIs !== undefined &&
        store.accountIdIs !== 'username' &&
        store.accountIdIs !== 'sub'
      ) {
        throw new Error(`data map: store "${store.name}" accountIdIs must be "username" or "sub"`);
      }
    }
  }
  profileStore(map);
  return map;
};
