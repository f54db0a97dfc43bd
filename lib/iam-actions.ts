/**
 * The IAM action tables: for each thing a Lethe function does with a table,
 * bucket, queue or secret, exactly the actions it needs, named after the
 * adapter calls that need them. LetheFunction (lethe-function.ts) grants them.
 */
import { fillTemplate } from '../functions/core/data-map.ts';
import { exportsBucket } from '../functions/core/resources.ts';

/** What a function does with Lethe's Accounts table. */
export type AccountsAccess = 'read' | 'write' | 'sweep' | 'purge' | 'notices' | 'holds';

/**
 * Exactly the DynamoDB actions on the table each access needs. IAM checks
 * the items of a TransactWriteItems one by one (Update as UpdateItem, Put as
 * PutItem, Delete as DeleteItem), so transactions need no action of their own.
 * - read (functions/adapters/dynamo-accounts.ts `get`): the record, then the
 *   tombstone a purge left, both by GetItem.
 * - write: reads as above, then one conditional Update per transition.
 *   Deactivate and restore also write notice records (useNoticeRecords).
 * - sweep (dynamo-purge-state.ts `page`, `claim`): the conditional claim;
 *   its Query is on the `due` index alone (ACCOUNTS_INDEX_ACTIONS).
 * - purge (`start`, `release`, `saveProgress`, `complete`): takes and lets go
 *   of a run and saves the checkpoint, by conditional Update; at the end reads
 *   the record, deletes it and puts the tombstone (and the purged notice; it
 *   deletes the deactivation's notice records).
 * - notices (dynamo-notices.ts): reads a notice record and its account,
 *   moves the record through its states, appends to the account's `notices`.
 * Never Scan.
 */
export const ACCOUNTS_ACTIONS: Record<AccountsAccess, readonly string[]> = {
  read: ['dynamodb:GetItem'],
  write: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  // BatchGetItem: the confirmations owed to processors with a status URL, read before they are polled.
  sweep: ['dynamodb:UpdateItem', 'dynamodb:BatchGetItem'],
  purge: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem'],
  notices: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  // The retention sweeper (dynamo-holds.ts) reads which accounts of a page are held, 100 at a time.
  holds: ['dynamodb:BatchGetItem'],
};

export const NOTICE_RECORD_ACTIONS = ['dynamodb:PutItem', 'dynamodb:DeleteItem'] as const;

/** The sweeper pages through the sparse `due` and `notices-due` indexes, and only them. */
export const ACCOUNTS_INDEX_ACTIONS: Partial<Record<AccountsAccess, readonly string[]>> = {
  sweep: ['dynamodb:Query'],
};

/**
 * What a function does with the audit trail. `append`: events and receipts,
 * each a Put inside the transaction that makes the change. `none`: only the
 * table's name, which functions/workers/audit-log.ts reads at cold start in
 * every function that imports it, including those that never write.
 */
export type AuditAccess = 'append' | 'purge' | 'none';

export const AUDIT_ACTIONS: Record<AuditAccess, readonly string[]> = {
  append: ['dynamodb:PutItem'],
  // The purge also erases the user's words (a deactivation's reason) from the account's events (I6).
  purge: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  none: [],
};

/** The profile reader issues one Query with Limit 1 on the profile store's table. */
export const PROFILE_ACTIONS: readonly string[] = ['dynamodb:Query'];

/** Purge jobs are sent (SendMessageBatch is authorized as SendMessage); consuming is the event source's grant. */
export const QUEUE_SEND_ACTIONS: readonly string[] = ['sqs:SendMessage'];

/** The subject key is read through the extension, which calls GetSecretValue with the function's role. */
export const SUBJECT_KEY_ACTIONS: readonly string[] = ['secretsmanager:GetSecretValue'];

/** What a function does with export records (functions/adapters/dynamo-exports.ts). */
export type ExportsAccess = 'read' | 'request' | 'worker' | 'purge';

/**
 * - read: `get` (GetItem).
 * - request: `pending`, `createdSince` (Query on the account's partition),
 *   `createPending` (a transaction of two Puts), `markFailed` when the queue
 *   refuses the job (Update and Delete of the pointer).
 * - worker: `get`, then `markReady` or `markFailed` (Update and Delete).
 * - purge: the purge worker deletes the account's partition like a data-map store.
 */
export const EXPORTS_ACTIONS: Record<ExportsAccess, readonly string[]> = {
  read: ['dynamodb:GetItem'],
  request: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
  worker: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  purge: ['dynamodb:Query', 'dynamodb:BatchWriteItem'],
};

/** What a function does with the export archives. */
export type ArchivesAccess = 'link' | 'write' | 'purge';

/**
 * - link: a presigned GET is authorized as the signer's s3:GetObject.
 * - write: a multipart upload (Create, UploadPart and Complete are all
 *   s3:PutObject), its abort when the export fails, and deleting the archive
 *   when a purge removed the export's record while it was being written.
 * - purge: list the account's prefix and DeleteObjects (checked per object as DeleteObject).
 */
export const ARCHIVES_ACTIONS: Record<ArchivesAccess, readonly string[]> = {
  link: ['s3:GetObject'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
  purge: ['s3:DeleteObject'],
};

/** The exports prefix as an IAM pattern: every account's folder, nothing else in the bucket. */
export const ARCHIVES_PATTERN = `${fillTemplate(exportsBucket.prefix, '*')}*`;
