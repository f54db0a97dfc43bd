/**
 * The data map: where the host app keeps an account's data. One declaration
 * drives both the CDK grants (exactly these resources) and the runtime (what
 * export reads and purge deletes). No AWS SDK here: plain data and helpers.
 */

import { parseDuration } from './duration.ts';

/** A placeholder every key template and prefix must carry. */
export const ACCOUNT_ID_PLACEHOLDER = '{accountId}';

/**
 * What people read for a store (the deletion receipt, the export's README, the
 * restore page), by language subtag: `{ en: 'your posts', de: 'Ihre Beiträge' }`.
 * English is required; another language without its own label reads the
 * English one, and a store without labels reads its name.
 */
export interface StoreLabels {
  readonly en: string;
  readonly [language: string]: string;
}

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
  /** Words for people, per language (English required). */
  readonly labels?: StoreLabels;
  readonly table: string;
  readonly key: KeySchema;
  /** The partition key value, e.g. `USER#{accountId}`. */
  readonly keyTemplate: string;
}

/** Items found through a global secondary index on an attribute holding the account id. */
export interface DynamoIndexStore {
  readonly kind: 'dynamodb-index';
  readonly name: string;
  /** Words for people, per language (English required). */
  readonly labels?: StoreLabels;
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
  /** Words for people, per language (English required). */
  readonly labels?: StoreLabels;
  readonly bucket: string;
  readonly prefix: string;
  /** A versioned bucket: purge deletes every version and delete marker, not only the current objects. */
  readonly versioned?: boolean;
}

/** A third party that keeps a copy and deletes it when asked (P5). */
export interface ProcessorStore {
  readonly kind: 'processor';
  readonly name: string;
  /** Words for people, per language (English required). */
  readonly labels?: StoreLabels;
  /** HTTPS endpoint that accepts a signed deletion request. */
  readonly deletionUrl: string;
  /**
   * HTTPS endpoint that says whether a deletion request is done, for a
   * processor that does not call back: Lethe polls it with backoff until it
   * answers "deleted" (functions/enforcement/poll-processors.ts). Optional.
   */
  readonly statusUrl?: string;
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
  readonly labels?: StoreLabels;
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

/**
 * One store a retention category covers. A DynamoDB store names the item
 * attribute holding the item's time (epoch seconds, epoch milliseconds or an
 * ISO-8601 string); an S3 store uses each object's LastModified.
 */
export interface RetentionTarget {
  readonly store: string;
  readonly timeAttribute?: string;
}

/**
 * A category of data the policy keeps only for a while (P9), for every
 * account, active or not: e.g. sessions 30 days. See docs/retention.md.
 */
export interface RetentionRule {
  /** Lower-case letters, digits and dashes, e.g. `sessions`. */
  readonly category: string;
  /** What people read, per locale (`en` at least), e.g. `{ en: 'Sign-in sessions' }`. */
  readonly labels: Readonly<Record<string, string>>;
  /** How long an item is kept after its time: an ISO-8601 duration (e.g. P30D). */
  readonly window: string;
  /** The legal basis, as the policy states it. */
  readonly basis?: string;
  /** The data map's DynamoDB and S3 stores this category covers. */
  readonly stores?: readonly RetentionTarget[];
  /**
   * CloudWatch log groups whose retention is held to the window (whole days,
   * rounded down to a value CloudWatch accepts): set at deploy for a group
   * defined in the same CDK app, and by the retention sweeper on every run.
   */
  readonly logGroups?: readonly string[];
  /**
   * Also let AWS expire this category by itself, for free: DynamoDB TTL on
   * `letheExpiresAt`, and an S3 lifecycle expiration rule on each store's
   * prefix (the window rounded up to days). The construct sets both where the
   * table or bucket is defined in the same CDK app; `lethe verify` checks
   * them elsewhere. TTL and lifecycle rules ignore legal holds: leave this off
   * where a hold must keep the data. docs/retention.md
   * @default false
   */
  readonly ttl?: boolean;
}

export interface DataMap {
  readonly profile: ProfileSource;
  readonly stores: readonly Store[];
  /** Retention rules (P9); optional. */
  readonly retention?: readonly RetentionRule[];
}

/**
 * Who the account belongs to, as the data map's profile store says: what the
 * API shows, what the export carries, and what a notice needs once the
 * profile itself is gone (the purge keeps it for the deletion receipt).
 */
export interface Profile {
  readonly email: string;
  readonly name?: string;
  readonly locale?: string;
  readonly timeZone?: string;
}

/** Reads an account's profile from the data map's profile store. */
export interface ProfileReader {
  get(accountId: string): Promise<Profile | undefined>;
}

export const fillTemplate = (template: string, accountId: string): string =>
  template.split(ACCOUNT_ID_PLACEHOLDER).join(accountId);

/** The store's words for a reader of `language` (a subtag such as `de`): theirs, else English, else its name. */
export const storeLabel = (
  store: { readonly name: string; readonly labels?: StoreLabels },
  language: string,
) => store.labels?.[language] ?? store.labels?.en ?? store.name;

const checkLabels = (store: { readonly name: string; readonly labels?: StoreLabels }) => {
  if (store.labels === undefined) return;
  if (typeof store.labels.en !== 'string' || store.labels.en.trim() === '') {
    throw new Error(`data map: store "${store.name}" labels must include English ("en")`);
  }
  for (const [language, label] of Object.entries(store.labels)) {
    if (!/^[a-z]{2,3}$/.test(language)) {
      throw new Error(
        `data map: store "${store.name}" label language "${language}" must be a subtag like "de"`,
      );
    }
    if (typeof label !== 'string' || label.trim() === '') {
      throw new Error(`data map: store "${store.name}" label "${language}" must not be empty`);
    }
  }
};

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
    checkLabels(store);
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
    if (
      store.kind === 'processor' &&
      store.statusUrl !== undefined &&
      !store.statusUrl.startsWith('https://')
    ) {
      throw new Error(`data map: processor "${store.name}" statusUrl must be https`);
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
  validateRetention(map);
  return map;
};

/** Each retention rule names known stores, a time for each, and a window Lethe can measure. */
const validateRetention = (map: DataMap): void => {
  const categories = new Set<string>();
  for (const rule of map.retention ?? []) {
    const where = `data map: retention category "${rule.category}"`;
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(rule.category)) {
      throw new Error(`${where}: the name must be lower-case letters, digits and dashes`);
    }
    if (categories.has(rule.category)) throw new Error(`${where} is declared twice`);
    categories.add(rule.category);
    try {
      if (parseDuration(rule.window) <= 0) throw new Error('zero');
    } catch {
      throw new Error(`${where}: window "${rule.window}" is not a positive ISO-8601 duration (e.g. P30D)`);
    }
    if (!rule.labels.en) throw new Error(`${where}: labels must include "en"`);
    if ((rule.stores ?? []).length === 0 && (rule.logGroups ?? []).length === 0) {
      throw new Error(`${where}: names no store and no log group`);
    }
    if ((rule.logGroups ?? []).length > 0 && parseDuration(rule.window) < 86_400_000) {
      throw new Error(`${where}: log groups keep whole days, so the window must be at least P1D`);
    }
    for (const target of rule.stores ?? []) {
      const store = map.stores.find((s) => s.name === target.store);
      if (!store) throw new Error(`${where}: store "${target.store}" is not in the data map`);
      if (store.kind === 'processor' || store.kind === 'cognito-user-pool') {
        throw new Error(
          `${where}: store "${target.store}" is a ${store.kind}; Lethe cannot expire its items`,
        );
      }
      if (store.kind === 's3-prefix' && target.timeAttribute) {
        throw new Error(
          `${where}: store "${target.store}" is S3, whose time is LastModified: drop timeAttribute`,
        );
      }
      if (store.kind !== 's3-prefix' && !target.timeAttribute) {
        throw new Error(`${where}: DynamoDB store "${target.store}" needs a timeAttribute (the item's time)`);
      }
      if (store.kind === 's3-prefix' && rule.ttl === true) lifecycleProblem(map, store, where);
    }
  }
};

/**
 * The fixed part of a prefix before the account id: what a listing of every
 * account starts from, and all a lifecycle rule's prefix can say.
 */
export const staticPrefix = (template: string): string =>
  template.slice(0, template.indexOf(ACCOUNT_ID_PLACEHOLDER));

/**
 * A lifecycle rule expires everything under the prefix's fixed part, in every
 * account's folder: it must have one, and no other store of the bucket may
 * live under it (its objects would expire with this category's).
 */
const lifecycleProblem = (map: DataMap, store: S3PrefixStore, where: string): void => {
  const fixed = staticPrefix(store.prefix);
  if (fixed === '') {
    throw new Error(
      `${where}: store "${store.name}" prefix starts with ${ACCOUNT_ID_PLACEHOLDER}, so no lifecycle rule can cover only it: drop ttl`,
    );
  }
  const neighbour = s3Stores(map).find((other) => {
    if (other === store || other.bucket !== store.bucket) return false;
    const theirs = staticPrefix(other.prefix);
    return theirs.startsWith(fixed) || fixed.startsWith(theirs);
  });
  if (neighbour) {
    throw new Error(
      `${where}: a lifecycle rule on "${fixed}" would also expire store "${neighbour.name}" (${neighbour.prefix}) in the same bucket: drop ttl or move one prefix`,
    );
  }
};
