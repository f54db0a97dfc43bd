/**
 * The purge's state on the Accounts table: the sweeper's claim, the worker's
 * saved progress and lease, and the final swap of the record for a tombstone.
 * Each is a conditional write; progress carries a version so a duplicate
 * worker on the same account cannot overwrite a newer checkpoint.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../core/audit.ts';
import type { Profile } from '../core/data-map.ts';
import { lifecycleEvent } from '../core/events.ts';
import { exportTargets } from '../core/export.ts';
import type { Actor } from '../core/lifecycle.ts';
import { type NoticeKind, noticeKey, receiptNoticeKey } from '../core/notices.ts';
import type { PurgeProgress, Receipt } from '../core/purge.ts';
import { DUE_INDEX } from '../core/resources.ts';
import { tombstoneKey } from '../core/subject.ts';
import type { DueAccount, DueIndex, PurgeClaims, SavedProgress } from '../enforcement/ports.ts';
import { applied, conditionFailed } from './conditional.ts';
import type { AuditLog } from './dynamo-audit.ts';
import { pendingNoticeItem } from './dynamo-notices.ts';
import type { Outbox } from './dynamo-outbox.ts';
import { countMatches, decodeCursor, encodeCursor } from './dynamo-stores.ts';

/** Lethe's own export records and archives: purged too (I6), but not data the receipt mail lists. */
const EXPORT_TARGETS = new Set(exportTargets('', '').map((store) => store.name));

export class DynamoPurgeState implements PurgeClaims, DueIndex {
  /**
   * The record as this container's run last wrote it (`start`, the captured
   * address): what the final transaction's notice writes need, without a read
   * of their own. None of it changes while the account is purging.
   */
  private readonly held = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly audit: AuditLog,
    private readonly outbox: Outbox,
    /** Who a claim is recorded for: the scheduled sweeper, or the operator who ran `lethe sweep --yes`. */
    private readonly claimant?: Actor,
  ) {}

  async page(shard: string, now: string, cursor: string | undefined, limit: number) {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'dueShard = :shard AND purgeAfter <= :now',
        ExpressionAttributeValues: { ':shard': shard, ':now': now },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    const items: DueAccount[] = (result.Items ?? []).map((item) => ({
      accountId: String(item.accountId),
      purgeAfter: String(item.purgeAfter),
    }));
    const next = encodeCursor(result.LastEvaluatedKey);
    return { items, ...(next && { cursor: next }) };
  }

  countDue(shard: string, before: string): Promise<number> {
    return countMatches(this.client, {
      TableName: this.tableName,
      IndexName: DUE_INDEX,
      KeyConditionExpression: 'dueShard = :shard AND purgeAfter <= :before',
      ExpressionAttributeValues: { ':shard': shard, ':before': before },
    });
  }

  /**
   * I1, I2: only a still-deactivated, due, unheld account, and that claim
   * alone announces the purge; or, without a new event, a purge whose worker
   * went quiet. Two conditional writes, so the event is written only by the first.
   */
  async claim(accountId: string, now: string, leaseUntil: string, progress: PurgeProgress): Promise<boolean> {
    const claim = (condition: string, announce: boolean) =>
      applied(() =>
        this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: { accountId },
                  ConditionExpression: condition,
                  UpdateExpression:
                    'SET #status = :purging, leaseUntil = :lease, progress = if_not_exists(progress, :progress), ' +
                    'progressVersion = if_not_exists(progressVersion, :zero), updatedAt = :now',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':purging': 'PURGING',
                    ':now': now,
                    ':lease': leaseUntil,
                    ':progress': progress,
                    ':zero': 0,
                    ...(announce ? { ':deactivated': 'DEACTIVATED' } : {}),
                  },
                },
              },
              {
                Put: this.audit.put(
                  this.event(
                    accountId,
                    now,
                    'purge-claimed',
                    this.claimant && { actor: this.claimant.kind, actorId: this.claimant.id },
                  ),
                ),
              },
              ...(announce
                ? [
                    {
                      Put: this.outbox.put(
                        lifecycleEvent('AccountPurgeStarted', now, 'system', { accountId }),
                      ),
                    },
                  ]
                : []),
            ],
          }),
        ),
      );
    return (
      (await claim(
        '#status = :deactivated AND purgeAfter <= :now AND attribute_not_exists(legalHold)',
        true,
      )) || (await claim('#status = :purging AND leaseUntil < :now', false))
    );
  }

  async start(accountId: string, runId: string, now: string, runUntil: string) {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId },
          ConditionExpression:
            '#status = :purging AND attribute_exists(progress) AND (attribute_not_exists(runUntil) OR runUntil < :now)',
          UpdateExpression: 'SET runId = :run, runUntil = :until',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':purging': 'PURGING',
            ':now': now,
            ':run': runId,
            ':until': runUntil,
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      this.held.set(accountId, Attributes ?? {});
      return {
        progress: Attributes?.progress as PurgeProgress,
        version: Number(Attributes?.progressVersion ?? 0),
      };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return error.Item?.status?.S === 'PURGING' ? 'busy' : undefined;
      }
      throw error;
    }
  }

  async release(accountId: string, runId: string): Promise<void> {
    this.held.delete(accountId);
    // Not applied when already let go of, or the purge completed and the record is gone.
    await applied(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId },
          ConditionExpression: 'runId = :run',
          UpdateExpression: 'REMOVE runId, runUntil',
          ExpressionAttributeValues: { ':run': runId },
        }),
      ),
    );
  }

  saveProgress(
    accountId: string,
    runId: string,
    saved: SavedProgress,
    next: PurgeProgress,
    leaseUntil: string,
    events: readonly AuditEvent[] = [],
  ): Promise<boolean> {
    const update = {
      TableName: this.tableName,
      Key: { accountId },
      ConditionExpression: '#status = :purging AND progressVersion = :version AND runId = :run',
      UpdateExpression: 'SET progress = :progress, progressVersion = :next, leaseUntil = :lease',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':purging': 'PURGING',
        ':run': runId,
        ':version': saved.version,
        ':next': saved.version + 1,
        ':progress': next,
        ':lease': leaseUntil,
      },
    };
    // A store finished: its audit event is written with the checkpoint that records it.
    return applied(() =>
      events.length > 0
        ? this.client.send(
            new TransactWriteCommand({
              TransactItems: [{ Update: update }, ...events.map((e) => ({ Put: this.audit.put(e) }))],
            }),
          )
        : this.client.send(new UpdateCommand(update)),
    );
  }

  async captureNoticeProfile(accountId: string, profile: Profile): Promise<void> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId },
          ConditionExpression: '#status = :purging',
          UpdateExpression: 'SET noticeProfile = if_not_exists(noticeProfile, :profile)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':purging': 'PURGING', ':profile': profile },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (Attributes) this.held.set(accountId, Attributes);
    } catch (error) {
      // Not applied when no longer purging (completed by another run): there is nothing to capture for.
      if (!conditionFailed(error)) throw error;
    }
  }

  /**
   * What goes with the record: the deactivation's notice records (the series
   * is over) and, with a captured address, the purged notice, due now. Its
   * key is the subject's, and the address it holds is erased when it is sent.
   */
  private async noticeWrites(accountId: string, subject: string, receipt: Receipt) {
    const Item =
      this.held.get(accountId) ??
      (
        await this.client.send(
          new GetCommand({ TableName: this.tableName, Key: { accountId }, ConsistentRead: true }),
        )
      ).Item;
    const deactivatedAt = typeof Item?.deactivatedAt === 'string' ? Item.deactivatedAt : undefined;
    const kinds = Array.isArray(Item?.noticeKinds) ? (Item.noticeKinds as NoticeKind[]) : [];
    const deletes = deactivatedAt
      ? kinds.map((kind) => ({
          Delete: { TableName: this.tableName, Key: { accountId: noticeKey(subject, deactivatedAt, kind) } },
        }))
      : [];
    const profile = Item?.noticeProfile as Profile | undefined;
    if (!profile?.email) return deletes;
    const key = receiptNoticeKey(subject);
    return [
      ...deletes,
      {
        Put: {
          TableName: this.tableName,
          Item: pendingNoticeItem(
            key,
            { kind: 'purged', deactivatedAt: deactivatedAt ?? receipt.startedAt, dueAt: receipt.finishedAt },
            {
              profile,
              purgedAt: receipt.finishedAt,
              goneFromBackupsBy: receipt.goneFromBackupsBy,
              dataKinds: receipt.targets.map((t) => t.name).filter((name) => !EXPORT_TARGETS.has(name)),
              // A hard bounce or complaint stops this one too: the sender compares the digest (the record goes now).
              ...(typeof Item?.noticeSuppression?.address === 'string' && {
                suppressedAddress: Item.noticeSuppression.address,
              }),
            },
          ),
        },
      },
    ];
  }

  async complete(
    accountId: string,
    runId: string,
    saved: SavedProgress,
    receipt: Receipt,
    events: readonly AuditEvent[] = [],
  ): Promise<boolean> {
    const subject = this.audit.subjectOf(accountId);
    // I6: the user's words in the trail go before the record does (a retry erases what is left).
    await this.audit.eraseUserReasons(subject);
    const notices = await this.noticeWrites(accountId, subject, receipt);
    this.held.delete(accountId);
    return applied(() =>
      this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            ...notices,
            {
              // I6: the record that holds the id goes; only the tombstone, keyed by subject, stays.
              Delete: {
                TableName: this.tableName,
                Key: { accountId },
                ConditionExpression: '#status = :purging AND progressVersion = :version AND runId = :run',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':purging': 'PURGING',
                  ':version': saved.version,
                  ':run': runId,
                },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { accountId: tombstoneKey(subject), status: 'PURGED', purgedAt: receipt.finishedAt },
              },
            },
            ...events.map((e) => ({ Put: this.audit.put(e) })),
            { Put: this.audit.putReceipt(subject, receipt) },
            { Put: this.audit.put({ subject, at: receipt.finishedAt, kind: 'purged', actor: 'system' }) },
            {
              // The host app's last word on the account: it carries the id, the subject's receipt does not.
              Put: this.outbox.put(
                lifecycleEvent('AccountPurged', receipt.finishedAt, 'system', {
                  accountId,
                  purgedAt: receipt.finishedAt,
                  goneFromBackupsBy: receipt.goneFromBackupsBy,
                  targets: receipt.targets,
                }),
              ),
            },
          ],
        }),
      ),
    );
  }

  event(
    accountId: string,
    at: string,
    kind: AuditEvent['kind'],
    extra: Partial<AuditEvent> = {},
  ): AuditEvent {
    return { subject: this.audit.subjectOf(accountId), at, kind, actor: 'system', ...extra };
  }
}
