/**
 * Lethe's own stateful resources, described once as plain data. The CDK
 * stateful stack builds them from this and local mode creates the very same
 * tables in the stand-ins.
 */
import type { KeySchema } from './data-map.ts';

export interface IndexDefinition extends KeySchema {
  readonly name: string;
  /** KEYS_ONLY keeps sparse lookup indexes small. */
  readonly projection: 'ALL' | 'KEYS_ONLY';
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
}

/**
 * One item per account: its lifecycle state. Only DEACTIVATED, unheld accounts
 * carry `dueShard`, so the `due` index holds exactly the purge candidates.
 */
export const accountsTable: TableDefinition = {
  id: 'Accounts',
  localName: 'lethe-accounts',
  env: 'ACCOUNTS_TABLE',
  key: { partitionKey: 'accountId' },
  indexes: [
    { name: 'due', partitionKey: 'dueShard', sortKey: 'purgeAfter', projection: 'KEYS_ONLY' },
    // Notice records waiting to go out (functions/core/notices.ts): only PENDING ones carry `noticeShard`.
    { name: 'notices-due', partitionKey: 'noticeShard', sortKey: 'noticeDueAt', projection: 'ALL' },
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

export const letheTables: readonly TableDefinition[] = [accountsTable, auditTable];

export interface QueueDefinition {
  /** Construct id in CDK. */
  readonly id: string;
  /** The queue's name in local mode; its DLQ is `<localName>-dlq`. */
  readonly localName: string;
  /** The env variable that carries the queue's URL to a function. */
  readonly env: string;
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
  maxReceiveCount: 5,
  consumerTimeoutSeconds: 300,
  batchSize: 5,
};

/** Notices to send: one message is one notice record's key (never an address or an account id). */
export const noticeQueue: QueueDefinition = {
  id: 'NoticeQueue',
  localName: 'lethe-notices',
  env: 'NOTICE_QUEUE_URL',
  maxReceiveCount: 5,
  consumerTimeoutSeconds: 30,
  batchSize: 10,
};

export const visibilityTimeoutSeconds = (queue: QueueDefinition) => queue.consumerTimeoutSeconds * 6;

export const letheQueues: readonly QueueDefinition[] = [purgeQueue, noticeQueue];

/** What CDK outputs and the operator CLI reads to find a deployed stack's resources. */
export const STACK_OUTPUTS = {
  accountsTable: 'AccountsTableName',
  auditTable: 'AuditTableName',
  purgeQueueUrl: 'PurgeQueueUrl',
  purgeDlqUrl: 'PurgeDlqUrl',
  subjectKeySecret: 'SubjectKeySecretArn',
  apiUrl: 'ApiUrl',
} as const;
