/**
 * Lethe's own stateful resources, described once as plain data. The CDK
 * stateful stack builds them from this and local mode creates the very same
 * tables in the stand-ins.
 */
import { ACCOUNT_ID_PLACEHOLDER, type KeySchema } from './data-map.ts';

export interface IndexDefinition extends KeySchema {
  readonly name: string;
  /** KEYS_ONLY keeps sparse lookup indexes small. */
  readonly projection: 'ALL' | 'KEYS_ONLY';
  /** The sort key holds a number (epoch seconds); keys are strings otherwise. */
  readonly numericSortKey?: boolean;
}

export interface TableDefinition {
  /** Construct id in CDK and the env variable suffix. */
  readonly id: string;
  /** The table's name in local mode; in AWS CloudFormation names it. */
  readonly localName: string;
  /** The env variable that carries the table's name to a function. */
  readonly env: string;
  readonly key: KeySchema;
  readonly indexes: readonly IndexDefinition[];
  /** An attribute holding an epoch-seconds expiry, when items expire. */
  readonly ttlAttribute?: string;
  /** A DynamoDB stream of new items, when something consumes the table's writes. */
  readonly stream?: 'NEW_IMAGE';
}

/**
 * One item per account: its lifecycle state. Only DEACTIVATED, unheld accounts
 * carry `dueShard`, so the `due` index holds exactly the purge candidates.
 */
/** The Accounts table's sparse indexes, by name: the sweeper's due accounts and due notices. */
export const DUE_INDEX = 'due';
export const NOTICES_DUE_INDEX = 'notices-due';

export const accountsTable: TableDefinition = {
  id: 'Accounts',
  localName: 'lethe-accounts',
  env: 'ACCOUNTS_TABLE',
  key: { partitionKey: 'accountId' },
  indexes: [
    { name: DUE_INDEX, partitionKey: 'dueShard', sortKey: 'purgeAfter', projection: 'KEYS_ONLY' },
    // Notice records waiting to go out (functions/core/notices.ts): only PENDING ones carry `noticeShard`.
    { name: NOTICES_DUE_INDEX, partitionKey: 'noticeShard', sortKey: 'noticeDueAt', projection: 'ALL' },
    // Processor confirmations still owed (functions/core/confirmations.ts): only PENDING ones carry `confirmShard`.
    { name: 'confirmations-due', partitionKey: 'confirmShard', sortKey: 'deadline', projection: 'KEYS_ONLY' },
    // Accounts under a legal hold: only they carry `holdShard` (`lethe list --held`).
    { name: 'holds', partitionKey: 'holdShard', sortKey: 'accountId', projection: 'KEYS_ONLY' },
  ],
};

/**
 * The audit trail and deletion receipts, keyed by subject (an HMAC of the
 * id), never by the id itself. Events expire by TTL; receipts do not.
 */
export const auditTable: TableDefinition = {
  id: 'Audit',
  localName: 'lethe-audit',
  env: 'AUDIT_TABLE',
  key: { partitionKey: 'subject', sortKey: 'sk' },
  indexes: [],
  ttlAttribute: 'expiresAt',
};

/**
 * Data exports (P7): one item per export, keyed by account and a time-ordered
 * export id, plus one `#pending` pointer item per account while an export is
 * pending, so "one pending export" is a conditional write. Items expire by
 * TTL with their archives; a purge deletes them before that (I6).
 */
export const exportsTable: TableDefinition = {
  id: 'Exports',
  localName: 'lethe-exports',
  env: 'EXPORTS_TABLE',
  key: { partitionKey: 'accountId', sortKey: 'exportId' },
  indexes: [],
  ttlAttribute: 'ttl',
};

/**
 * The outbox of lifecycle events (functions/core/events.ts): each written in
 * the same transaction as its change, published from the table's stream to
 * EventBridge, then deleted. Items name the account, so they expire a day
 * after they were written even if the delete never happens (I6); by then the
 * stream (24 hours) no longer holds them either. Keyed by account, so one
 * account's events share a partition and reach the stream in commit order.
 */
export const outboxTable: TableDefinition = {
  id: 'Outbox',
  localName: 'lethe-outbox',
  env: 'OUTBOX_TABLE',
  key: { partitionKey: 'pk', sortKey: 'sk' },
  indexes: [],
  ttlAttribute: 'expiresAt',
  stream: 'NEW_IMAGE',
};

export const letheTables: readonly TableDefinition[] = [accountsTable, auditTable, exportsTable, outboxTable];

export interface BucketDefinition {
  /** Construct id in CDK. */
  readonly id: string;
  /** The bucket's name in local mode; in AWS CloudFormation names it. */
  readonly localName: string;
  /** The env variable that carries the bucket's name to a function. */
  readonly env: string;
  /** Where an account's objects live; `{accountId}` is filled in. */
  readonly prefix: string;
  /** Objects are deleted by a lifecycle rule this many days after they were written. */
  readonly expirationDays: number;
}

/** The export archives: `exports/{accountId}/{exportId}.zip`, gone after a week. */
export const exportsBucket: BucketDefinition = {
  id: 'ExportsBucket',
  localName: 'lethe-exports',
  env: 'EXPORTS_BUCKET',
  prefix: `exports/${ACCOUNT_ID_PLACEHOLDER}/`,
  expirationDays: 7,
};

export const letheBuckets: readonly BucketDefinition[] = [exportsBucket];

export interface QueueDefinition {
  /** Construct id in CDK. */
  readonly id: string;
  /** The queue's name in local mode; its DLQ is `<localName>-dlq`. */
  readonly localName: string;
  /** The env variable that carries the queue's URL to a function. */
  readonly env: string;
  /** The env variable that carries its DLQ's URL to the consumer, which sends unreadable messages there at once. */
  readonly dlqEnv: string;
  /** Deliveries before a message moves to the DLQ. */
  readonly maxReceiveCount: number;
  /** The consuming function's timeout; the visibility timeout is six times it (AWS's guidance). */
  readonly consumerTimeoutSeconds: number;
  readonly batchSize: number;
}

/** Purge jobs: one message is one account's purge, or the next part of it. */
export const purgeQueue: QueueDefinition = {
  id: 'PurgeQueue',
  localName: 'lethe-purge',
  env: 'PURGE_QUEUE_URL',
  dlqEnv: 'PURGE_DLQ_URL',
  maxReceiveCount: 5,
  consumerTimeoutSeconds: 300,
  batchSize: 5,
};

/** Notices to send: one message is one notice record's key (never an address or an account id). */
export const noticeQueue: QueueDefinition = {
  id: 'NoticeQueue',
  localName: 'lethe-notices',
  env: 'NOTICE_QUEUE_URL',
  dlqEnv: 'NOTICE_DLQ_URL',
  maxReceiveCount: 5,
  consumerTimeoutSeconds: 30,
  batchSize: 10,
};

/** Export jobs: one message is one export; a large account streams for up to the full 15 minutes. */
export const exportQueue: QueueDefinition = {
  id: 'ExportQueue',
  localName: 'lethe-export',
  env: 'EXPORT_QUEUE_URL',
  dlqEnv: 'EXPORT_DLQ_URL',
  maxReceiveCount: 3,
  consumerTimeoutSeconds: 900,
  batchSize: 1,
};

export const visibilityTimeoutSeconds = (queue: QueueDefinition) => queue.consumerTimeoutSeconds * 6;

export const letheQueues: readonly QueueDefinition[] = [purgeQueue, noticeQueue, exportQueue];

/** The API stage's throttling: steady requests per second across the whole API, and the burst above it. */
export interface ThrottleSettings {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * Sized for account-lifecycle calls, which a user makes a handful of times in
 * an account's life. The stage in AWS and local mode's server both use it.
 */
export const DEFAULT_THROTTLE: ThrottleSettings = { rateLimit: 50, burstLimit: 100 };

/** What CDK outputs and the operator CLI reads to find a deployed stack's resources. */
export const STACK_OUTPUTS = {
  accountsTable: 'AccountsTableName',
  auditTable: 'AuditTableName',
  outboxTable: 'OutboxTableName',
  purgeQueueUrl: 'PurgeQueueUrl',
  purgeDlqUrl: 'PurgeDlqUrl',
  noticeQueueUrl: 'NoticeQueueUrl',
  noticeDlqUrl: 'NoticeDlqUrl',
  exportQueueUrl: 'ExportQueueUrl',
  exportDlqUrl: 'ExportDlqUrl',
  subjectKeySecret: 'SubjectKeySecretArn',
  apiUrl: 'ApiUrl',
} as const;
