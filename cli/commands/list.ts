/**
 * `lethe list`: accounts by where they stand, read from the Accounts table's
 * sparse indexes, never a Scan. `--due` and `--overdue` read the `due` index
 * up to now (or now minus the deletion SLA), which holds exactly the unheld
 * DEACTIVATED accounts and the PURGING ones; `--held` reads the `holds`
 * index. Each entry's record is then read for its state and dates. Paged:
 * `--limit` entries, and a `next` cursor that continues where a page ended.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parseDuration } from '../../functions/core/duration.ts';
import type { Status } from '../../functions/core/lifecycle.ts';
import { DUE_SHARDS } from '../../functions/core/lifecycle.ts';
import { DEFAULT_DELETION_SLA, overdueBefore } from '../../functions/core/purge.ts';
import { accountsTable } from '../../functions/core/resources.ts';
import { UsageError } from '../args.ts';
import type { Services } from '../services.ts';

export interface ListFilter {
  readonly state?: 'DEACTIVATED' | 'PURGING';
  readonly held?: boolean;
  readonly due?: boolean;
  readonly overdue?: boolean;
}

export interface ListedAccount {
  readonly accountId: string;
  readonly status: Status;
  readonly deactivatedAt?: string;
  readonly purgeAfter?: string;
  readonly legalHold?: { readonly reason: string; readonly placedAt: string };
  /** A purge running or stalled: until when its claim holds. */
  readonly leaseUntil?: string;
  /** Past purgeAfter + the deletion SLA and not purged. */
  readonly overdue: boolean;
}

export interface ListReport {
  readonly at: string;
  readonly filter: ListFilter;
  /** The deletion SLA `--overdue` and the `overdue` flag count from purgeAfter. */
  readonly sla: string;
  readonly accounts: readonly ListedAccount[];
  /** Pass as --cursor for the next page; absent on the last page. */
  readonly next?: string;
}

interface Position {
  readonly shard: number;
  readonly key?: Record<string, unknown>;
}

const encode = (position: Position) => Buffer.from(JSON.stringify(position)).toString('base64url');

const decode = (cursor: string | undefined): Position => {
  if (cursor === undefined) return { shard: 0 };
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Position;
    if (Number.isInteger(position.shard) && position.shard >= 0 && position.shard < DUE_SHARDS)
      return position;
  } catch {
    // falls through to the usage error
  }
  throw new UsageError('--cursor is not a cursor this command printed', 'list');
};

const indexName = (partitionKey: string) =>
  accountsTable.indexes.find((index) => index.partitionKey === partitionKey)?.name ?? '';

export const listAccounts = async (
  services: Services,
  filter: ListFilter,
  page: { readonly limit: number; readonly cursor?: string },
  now: Date,
  slaText: string = DEFAULT_DELETION_SLA.afterPurgeAfter,
): Promise<ListReport> => {
  const table = await services.target.resource('accountsTable');
  const sla = { afterPurgeAfterMs: parseDuration(slaText), outerBoundMs: 0 };
  const overdueBound = overdueBefore(now, sla);
  // 1. Which index, and how far along it: held accounts have their own; the rest are in `due`.
  const query = filter.held
    ? { index: indexName('holdShard'), condition: 'holdShard = :shard', values: {} }
    : {
        index: indexName('dueShard'),
        condition: 'dueShard = :shard AND purgeAfter <= :bound',
        values: {
          ':bound': filter.overdue
            ? overdueBound
            : filter.due
              ? now.toISOString()
              : '9999-12-31T23:59:59.999Z',
        },
      };
  const accounts: ListedAccount[] = [];
  let position = decode(page.cursor);
  // 2. Shard by shard, a page at a time, until the page is full or every shard is read.
  while (accounts.length < page.limit && position.shard < DUE_SHARDS) {
    const result = await services.doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: query.index,
        KeyConditionExpression: query.condition,
        ExpressionAttributeValues: { ':shard': `S${position.shard}`, ...query.values },
        Limit: page.limit - accounts.length,
        ...(position.key && { ExclusiveStartKey: position.key }),
      }),
    );
    // 3. Each entry's record: its state, dates and hold (the indexes keep keys only).
    for (const item of result.Items ?? []) {
      const { Item } = await services.doc.send(
        new GetCommand({ TableName: table, Key: { accountId: item.accountId }, ConsistentRead: true }),
      );
      if (!Item) continue;
      const listed: ListedAccount = {
        accountId: String(Item.accountId),
        status: Item.status as Status,
        ...(typeof Item.deactivatedAt === 'string' && { deactivatedAt: Item.deactivatedAt }),
        ...(typeof Item.purgeAfter === 'string' && { purgeAfter: Item.purgeAfter }),
        ...(Item.legalHold && { legalHold: Item.legalHold as ListedAccount['legalHold'] }),
        ...(Item.status === 'PURGING' &&
          typeof Item.leaseUntil === 'string' && { leaseUntil: Item.leaseUntil }),
        overdue:
          !Item.legalHold &&
          typeof Item.purgeAfter === 'string' &&
          Item.purgeAfter <= overdueBound &&
          (Item.status === 'DEACTIVATED' || Item.status === 'PURGING'),
      };
      if (filter.state === undefined || listed.status === filter.state) accounts.push(listed);
    }
    position = result.LastEvaluatedKey
      ? { shard: position.shard, key: result.LastEvaluatedKey }
      : { shard: position.shard + 1 };
  }
  return {
    at: now.toISOString(),
    filter,
    sla: slaText,
    accounts,
    ...(position.shard < DUE_SHARDS && { next: encode(position) }),
  };
};
