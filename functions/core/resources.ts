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
  indexes: [{ name: 'due', partitionKey: 'dueShard', sortKey: 'purgeAfter', projection: 'KEYS_ONLY' }],
};

export const letheTables: readonly TableDefinition[] = [accountsTable];
