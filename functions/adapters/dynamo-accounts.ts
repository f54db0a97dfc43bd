/**
 * The lifecycle repository on DynamoDB. Every state change is one conditional
 * write, in one transaction with its audit event: when two requests race, the
 * database decides, the loser gets the winner's record back
 * (ReturnValuesOnConditionCheckFailure), and no transition is ever recorded
 * without its event or the other way round.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AccountRepository, DeactivateCommand, Transition } from '../accounts/ports.ts';
import type { AuditKind } from '../core/audit.ts';
import { type LifecycleEvent, lifecycleEvent } from '../core/events.ts';
import {
  type AccountRecord,
  type Actor,
  activeRecord,
  dueShardOf,
  type LegalHold,
} from '../core/lifecycle.ts';
import {
  type NoticeKind,
  noticeKey,
  noticeShardOf,
  type PlannedNotice,
  reminderToResume,
} from '../core/notices.ts';
import { tombstoneKey } from '../core/subject.ts';
import { applied } from './conditional.ts';
import type { AuditLog } from './dynamo-audit.ts';
import { pendingNoticeItem } from './dynamo-notices.ts';
import type { Outbox } from './dynamo-outbox.ts';

/** Internal attributes that never leave the repository. */
const STORAGE_ONLY = [
  'noticeProfile',
  'dueShard',
  'leaseUntil',
  'progress',
  'progressVersion',
  'runId',
  'runUntil',
] as const;

export const toRecord = (item: Record<string, unknown>): AccountRecord => {
  const record = { ...item };
  for (const key of STORAGE_ONLY) delete record[key];
  return record as unknown as AccountRecord;
};

export interface Attempt {
  readonly condition: string;
  readonly update: string;
  readonly values: Record<string, unknown>;
  /**
   * The record this write leaves, computed from the one it was conditioned
   * on: a transaction returns no item, and reading afterwards could see a
   * later request's state instead of this one's.
   */
  readonly result: (old: AccountRecord | undefined) => AccountRecord;
  /** The reason its audit event records: a deactivation's, or the hold's placed or released. */
  readonly reason?: string;
  /** More writes that stand or fall with this one (a deactivation's notice records). */
  readonly extra?: NonNullable<TransactWriteCommandInput['TransactItems']>;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const without = (record: AccountRecord | undefined, ...keys: (keyof AccountRecord)[]) => {
  const copy: Record<string, unknown> = { ...record };
  for (const key of keys) delete copy[key];
  return copy as Partial<AccountRecord>;
};

type Outcome =
  | { readonly changed: true }
  | { readonly changed: false; readonly old?: Record<string, unknown> };

/** The lifecycle event a transition of this kind announces, from the record it leaves. */
const eventOf = (kind: AuditKind, record: AccountRecord, actor: Actor, now: string): LifecycleEvent => {
  const accountId = record.accountId;
  switch (kind) {
    case 'deactivated':
      return lifecycleEvent('AccountDeactivated', now, actor.kind, {
        accountId,
        deactivatedAt: record.deactivatedAt ?? now,
        purgeAfter: record.purgeAfter ?? now,
        legalHold: record.legalHold !== undefined,
      });
    case 'restored':
      return lifecycleEvent('AccountRestored', now, actor.kind, { accountId });
    case 'hold-placed':
      return lifecycleEvent('LegalHoldPlaced', now, actor.kind, { accountId });
    case 'hold-released':
      return lifecycleEvent('LegalHoldReleased', now, actor.kind, { accountId });
    default:
      throw new Error(`No account transition announces ${kind}`);
  }
};

/**
 * A transition that depends on the current state (for example whether a
 * legal hold is on) is a few conditional attempts, each written for one
 * state; `plan` picks the attempt for the state the last failure revealed.
 * The loop is bounded: state can only move forward so often.
 */
const MAX_ATTEMPTS = 5;

export class DynamoAccountRepository implements AccountRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly audit: AuditLog,
    private readonly outbox: Outbox,
  ) {}

  /** The live record, or the tombstone a purge left, or nothing. */
  async get(accountId: string): Promise<AccountRecord | undefined> {
    const item = await this.getItem(accountId);
    if (item) return toRecord(item);
    const tombstone = await this.getItem(tombstoneKey(this.audit.subjectOf(accountId)));
    return tombstone ? { accountId, status: 'PURGED', purgedAt: String(tombstone.purgedAt) } : undefined;
  }

  async getItem(key: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { accountId: key }, ConsistentRead: true }),
    );
    return Item;
  }

  deactivate(
    accountId: string,
    command: DeactivateCommand,
    now: string,
    actor: Actor,
    seen?: AccountRecord,
  ): Promise<Transition> {
    const values = {
      ':active': 'ACTIVE',
      ':deactivated': 'DEACTIVATED',
      ':d': command.deactivatedAt,
      ':p': command.purgeAfter,
      ':now': now,
      ':none': [],
      ...(command.reason !== undefined && { ':reason': command.reason }),
      ':kinds': (command.notices ?? []).map((n) => n.kind),
    };
    const set = `SET #status = :deactivated, deactivatedAt = :d, purgeAfter = :p, updatedAt = :now, notices = :none, noticeKinds = :kinds${
      command.reason !== undefined ? ', reason = :reason' : ''
    }`;
    const removeReason = command.reason === undefined ? ' REMOVE reason' : '';
    const result = (old: AccountRecord | undefined): AccountRecord => ({
      ...without(old, 'reason'),
      accountId,
      status: 'DEACTIVATED',
      deactivatedAt: command.deactivatedAt,
      purgeAfter: command.purgeAfter,
      ...(command.reason !== undefined && { reason: command.reason }),
      notices: [],
      noticeKinds: (command.notices ?? []).map((n) => n.kind),
      updatedAt: now,
    });
    const extra = (command.notices ?? []).map((notice) =>
      this.noticeRecord(accountId, command.deactivatedAt, notice),
    );
    return this.transition(accountId, 'deactivated', actor, now, seen, (old) => {
      if (old === undefined || (old.status === 'ACTIVE' && old.legalHold === undefined)) {
        // Unheld: the account joins the sparse `due` index the sweeper reads.
        return {
          condition:
            '(attribute_not_exists(accountId) OR #status = :active) AND attribute_not_exists(legalHold)',
          update: `${set}, dueShard = :shard${removeReason}`,
          values: { ...values, ':shard': dueShardOf(accountId) },
          result,
          extra,
          ...(command.reason !== undefined && { reason: command.reason }),
        };
      }
      if (old.status === 'ACTIVE') {
        // Held: deactivated, but kept out of the due index until the hold is released.
        return {
          condition: '#status = :active AND attribute_exists(legalHold)',
          update: `${set}${removeReason}`,
          values,
          result,
          extra,
          ...(command.reason !== undefined && { reason: command.reason }),
        };
      }
      return undefined;
    });
  }

  /** Deletes of the notice records a deactivation planned (sent or not: the series is over). */
  noticeDeletes(accountId: string, record: AccountRecord | undefined): TransactItem[] {
    if (!record?.deactivatedAt) return [];
    const subject = this.audit.subjectOf(accountId);
    const deactivatedAt = record.deactivatedAt;
    return (record.noticeKinds ?? []).map((kind) => ({
      Delete: {
        TableName: this.tableName,
        Key: { accountId: noticeKey(subject, deactivatedAt, kind as NoticeKind) },
      },
    }));
  }

  /**
   * A notice record, PENDING and in the `notices-due` index until it is sent.
   * It holds the account id (`target`) only until it is settled. A
   * deactivation's are new; `replace` writes over an earlier one (the resumed
   * notice of a hold placed and released again).
   */
  private noticeRecord(
    accountId: string,
    deactivatedAt: string,
    notice: PlannedNotice,
    options: { readonly replace?: boolean; readonly releasedAt?: string } = {},
  ): TransactItem {
    const key = noticeKey(this.audit.subjectOf(accountId), deactivatedAt, notice.kind);
    return {
      Put: {
        TableName: this.tableName,
        Item: pendingNoticeItem(
          key,
          { ...notice, deactivatedAt },
          {
            target: accountId,
            ...(options.releasedAt !== undefined && { releasedAt: options.releasedAt }),
          },
        ),
        ...(!options.replace && { ConditionExpression: 'attribute_not_exists(accountId)' }),
      },
    };
  }

  restore(
    accountId: string,
    now: string,
    actor: Actor,
    only?: { deactivatedAt: string },
    seen?: AccountRecord,
  ): Promise<Transition> {
    return this.transition(accountId, 'restored', actor, now, seen, (old) =>
      old?.status === 'DEACTIVATED' && (only === undefined || old.deactivatedAt === only.deactivatedAt)
        ? {
            // A link's restore is conditioned on its deactivation, so a re-deactivation racing it wins.
            condition: `#status = :deactivated${only ? ' AND deactivatedAt = :d' : ''}`,
            update:
              'SET #status = :active, updatedAt = :now REMOVE deactivatedAt, purgeAfter, dueShard, reason, notices, noticeKinds',
            values: {
              ':active': 'ACTIVE',
              ':deactivated': 'DEACTIVATED',
              ':now': now,
              ...(only && { ':d': only.deactivatedAt }),
            },
            // A restore ends the series: its pending reminders go with the deactivation.
            extra: this.noticeDeletes(accountId, old),
            result: (old) => ({
              ...without(old, 'deactivatedAt', 'purgeAfter', 'reason', 'notices', 'noticeKinds'),
              accountId,
              status: 'ACTIVE',
              updatedAt: now,
            }),
          }
        : undefined,
    );
  }

  placeHold(
    accountId: string,
    hold: LegalHold,
    now: string,
    actor: Actor,
    seen?: AccountRecord,
  ): Promise<Transition> {
    // A hold already on stays as it was placed (its reason and time): placing it again changes nothing.
    return this.transition(accountId, 'hold-placed', actor, now, seen, (old) =>
      (old === undefined || old.status === 'ACTIVE' || old.status === 'DEACTIVATED') &&
      old?.legalHold === undefined
        ? {
            condition:
              '(attribute_not_exists(accountId) OR #status IN (:active, :deactivated)) AND attribute_not_exists(legalHold)',
            reason: hold.reason,
            update:
              'SET legalHold = :hold, holdShard = :holdShard, updatedAt = :now, ' +
              '#status = if_not_exists(#status, :active) REMOVE dueShard',
            values: {
              ':active': 'ACTIVE',
              ':deactivated': 'DEACTIVATED',
              ':hold': hold,
              // The sparse `holds` index: `lethe list --held` reads it, never a Scan.
              ':holdShard': dueShardOf(accountId),
              ':now': now,
            },
            result: (old) => ({
              ...old,
              accountId,
              status: old?.status ?? 'ACTIVE',
              legalHold: hold,
              updatedAt: now,
            }),
          }
        : undefined,
    );
  }

  async releaseHold(accountId: string, now: string, actor: Actor, seen?: AccountRecord): Promise<Transition> {
    const released = (old: AccountRecord | undefined): AccountRecord => ({
      ...without(old, 'legalHold'),
      accountId,
      status: old?.status ?? 'ACTIVE',
      updatedAt: now,
    });
    const transition = await this.transition(accountId, 'hold-released', actor, now, seen, (old) => {
      if (old?.legalHold === undefined) return undefined;
      if (old.status === 'DEACTIVATED') {
        const pastDue = old.purgeAfter !== undefined && old.purgeAfter <= now;
        const kinds = old.noticeKinds ?? [];
        const addResumed = pastDue && old.deactivatedAt !== undefined && !kinds.includes('resumed');
        // Back in the due index: if `purgeAfter` has passed, the next sweep claims it, and the
        // resumed notice (in this same write) tells the user by when.
        return {
          condition: '#status = :deactivated AND attribute_exists(legalHold)',
          update: `SET dueShard = :shard, updatedAt = :now${addResumed ? ', noticeKinds = list_append(if_not_exists(noticeKinds, :none), :resumed)' : ''} REMOVE legalHold, holdShard`,
          values: {
            ':deactivated': 'DEACTIVATED',
            ':shard': dueShardOf(accountId),
            ':now': now,
            ...(addResumed && { ':none': [], ':resumed': ['resumed'] }),
          },
          result: (old) => ({
            ...released(old),
            ...(addResumed && { noticeKinds: [...kinds, 'resumed'] }),
          }),
          reason: old.legalHold.reason,
          ...(pastDue &&
            old.deactivatedAt !== undefined && {
              // The resumed notice, due now: the user learns by when the purge runs.
              extra: [
                this.noticeRecord(
                  accountId,
                  old.deactivatedAt,
                  { kind: 'resumed', dueAt: now },
                  { replace: true, releasedAt: now },
                ),
              ],
            }),
        };
      }
      if (old.status === 'ACTIVE') {
        return {
          condition: '#status = :active AND attribute_exists(legalHold)',
          update: 'SET updatedAt = :now REMOVE legalHold, holdShard',
          values: { ':active': 'ACTIVE', ':now': now },
          result: released,
          reason: old.legalHold.reason,
        };
      }
      return undefined;
    });
    // Released before the date: the reminder held back during the hold goes out now.
    const { record, changed } = transition;
    if (changed && record.status === 'DEACTIVATED' && record.purgeAfter && record.purgeAfter > now) {
      await this.resumeReminder(accountId, record, now);
    }
    return transition;
  }

  /** HELD → PENDING, due now, for the latest reminder whose time passed during the hold (if it was held). */
  private async resumeReminder(accountId: string, record: AccountRecord, now: string): Promise<void> {
    const kind = reminderToResume(record.noticeKinds ?? [], record.purgeAfter ?? now, now);
    if (!kind || !record.deactivatedAt) return;
    const key = noticeKey(this.audit.subjectOf(accountId), record.deactivatedAt, kind);
    await applied(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId: key },
          ConditionExpression: '#state = :held',
          UpdateExpression: 'SET #state = :pending, noticeShard = :shard, noticeDueAt = :now REMOVE heldAt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':held': 'HELD',
            ':pending': 'PENDING',
            ':shard': noticeShardOf(key),
            ':now': now,
          },
        }),
      ),
    );
  }

  /**
   * Runs the attempt `plan` chooses for the state last seen. `plan`
   * returning undefined means the state admits no change: the current record
   * is the answer.
   */
  private async transition(
    accountId: string,
    kind: AuditKind,
    actor: Actor,
    now: string,
    known: AccountRecord | undefined,
    plan: (old: AccountRecord | undefined) => Attempt | undefined,
  ): Promise<Transition> {
    let seen = known ?? (await this.get(accountId));
    for (let i = 0; i < MAX_ATTEMPTS; i += 1) {
      if (seen?.status === 'PURGED') return { record: seen, changed: false };
      const attempt = plan(seen);
      if (!attempt) return { record: seen ?? activeRecord(accountId), changed: false };
      const event = eventOf(kind, attempt.result(seen), actor, now);
      const outcome = await this.attempt(accountId, attempt, kind, actor, now, event);
      if (outcome.changed) return { record: attempt.result(seen), changed: true };
      seen = outcome.old ? toRecord(outcome.old) : await this.get(accountId);
    }
    throw new Error('Account state kept changing under concurrent writes; retry the request.');
  }

  /** The conditional update, its audit event and its lifecycle event, in one transaction. */
  async attempt(
    accountId: string,
    attempt: Attempt,
    kind: AuditKind,
    actor: Actor,
    now: string,
    event: LifecycleEvent,
  ): Promise<Outcome> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { accountId },
                ConditionExpression: attempt.condition,
                UpdateExpression: attempt.update,
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: attempt.values,
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Put: this.audit.put({
                subject: this.audit.subjectOf(accountId),
                at: now,
                kind,
                actor: actor.kind,
                ...(actor.kind === 'operator' && { actorId: actor.id }),
                ...(attempt.reason !== undefined && { reason: attempt.reason }),
              }),
            },
            { Put: this.outbox.put(event) },
            ...(attempt.extra ?? []),
          ],
        }),
      );
      return { changed: true };
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reason = error.CancellationReasons?.[0];
        // A concurrent transaction on the same item: look again and retry.
        if (reason?.Code === 'ConditionalCheckFailed' && reason.Item) {
          return { changed: false, old: unmarshall(reason.Item as never) };
        }
        return { changed: false };
      }
      throw error;
    }
  }
}
