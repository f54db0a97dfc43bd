/**
 * Notice records in the Accounts table (keys `notice#…`, never an account
 * id's shape): every transition is one conditional write, so a notice is
 * claimed by exactly one delivery (I4).
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { lifecycleEvent } from '../core/events.ts';
import {
  type NoticeKind,
  type NoticeSuppression,
  noticeShardOf,
  subjectOfNoticeKey,
} from '../core/notices.ts';
import { NOTICES_DUE_INDEX } from '../core/resources.ts';
import type { NoticeFeedback } from '../core/ses-feedback.ts';
import type {
  DueNotice,
  FeedbackStore,
  NoticeDueIndex,
  NoticeRecord,
  NoticeStore,
  SentMail,
  Settled,
} from '../notices/ports.ts';
import { applied } from './conditional.ts';
import type { Outbox } from './dynamo-outbox.ts';
import { decodeCursor, encodeCursor } from './dynamo-stores.ts';

/** Settled states the host app hears of: the notice did not go out, or may not have. */
const FAILURES: ReadonlySet<Settled> = new Set(['FAILED', 'UNCERTAIN']);

/**
 * A notice record as it is first written: PENDING, and so in the sparse
 * `notices-due` index (only PENDING records carry `noticeShard`) until a
 * sweep finds it due. `fields` adds what the kind's sender needs.
 */
export const pendingNoticeItem = (
  key: string,
  notice: { readonly kind: NoticeKind; readonly deactivatedAt: string; readonly dueAt: string },
  fields: Record<string, unknown>,
) => ({
  accountId: key,
  itemType: 'notice',
  state: 'PENDING',
  kind: notice.kind,
  deactivatedAt: notice.deactivatedAt,
  ...fields,
  noticeShard: noticeShardOf(key),
  noticeDueAt: notice.dueAt,
});

/** What each kind of feedback sets, on the notice record and on its entry in the account view. */
const feedbackFields = (feedback: NoticeFeedback): { state?: string; fields: Record<string, string> } => {
  if (feedback.kind === 'delivery') return { fields: { deliveredAt: feedback.at } };
  if (feedback.kind === 'bounce') {
    return { state: 'BOUNCED', fields: { bouncedAt: feedback.at, bounceType: feedback.bounceType } };
  }
  return { state: 'COMPLAINED', fields: { complainedAt: feedback.at } };
};

export class DynamoNotices implements NoticeStore, NoticeDueIndex, FeedbackStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly outbox: Outbox,
  ) {}

  async get(key: string): Promise<NoticeRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { accountId: key }, ConsistentRead: true }),
    );
    if (Item?.itemType !== 'notice') return undefined;
    const { accountId, ...rest } = Item;
    return { ...rest, key: String(accountId) } as NoticeRecord;
  }

  async claim(key: string, now: string): Promise<boolean> {
    return applied(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId: key },
          ConditionExpression: '#state = :pending',
          UpdateExpression: 'SET #state = :sending, sendingSince = :now REMOVE noticeShard, noticeDueAt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':sending': 'SENDING', ':now': now },
        }),
      ),
    );
  }

  async hold(key: string, now: string): Promise<void> {
    await applied(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId: key },
          ConditionExpression: '#state = :pending',
          UpdateExpression: 'SET #state = :held, heldAt = :now REMOVE noticeShard, noticeDueAt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':held': 'HELD', ':now': now },
        }),
      ),
    );
  }

  async unclaim(key: string): Promise<void> {
    await applied(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId: key },
          ConditionExpression: '#state = :sending',
          UpdateExpression: 'SET #state = :pending REMOVE sendingSince',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':sending': 'SENDING' },
        }),
      ),
    );
  }

  async settle(key: string, state: Settled, now: string, detail?: string): Promise<void> {
    const update = {
      TableName: this.tableName,
      Key: { accountId: key },
      // Only a record that exists (a restore or a purge may have deleted it meanwhile), settled once.
      ConditionExpression: 'attribute_exists(accountId) AND #state <> :state',
      UpdateExpression: `SET #state = :state, settledAt = :now${detail ? ', detail = :detail' : ''} REMOVE target, #profile, noticeShard, noticeDueAt, sendingSince`,
      ExpressionAttributeNames: { '#state': 'state', '#profile': 'profile' },
      ExpressionAttributeValues: { ':state': state, ':now': now, ...(detail && { ':detail': detail }) },
    };
    if (!FAILURES.has(state)) {
      await applied(() => this.client.send(new UpdateCommand(update)));
      return;
    }
    // A failure is announced in the transaction that records it; the record still names its account here.
    const record = await this.get(key);
    if (!record) return;
    const event = lifecycleEvent('NoticeFailed', now, 'system', {
      ...(record.target ? { accountId: record.target } : { subject: subjectOfNoticeKey(key) }),
      notice: record.kind,
      reason: state === 'UNCERTAIN' ? 'uncertain' : (detail ?? 'failed'),
    });
    await applied(() =>
      this.client.send(
        new TransactWriteCommand({ TransactItems: [{ Update: update }, { Put: this.outbox.put(event) }] }),
      ),
    );
  }

  async markSent(key: string, now: string, mail: SentMail): Promise<void> {
    await applied(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId: key },
          ConditionExpression: 'attribute_exists(accountId) AND #state <> :sent',
          UpdateExpression:
            'SET #state = :sent, settledAt = :now, messageId = :messageId, address = :address REMOVE #profile, noticeShard, noticeDueAt, sendingSince',
          ExpressionAttributeNames: { '#state': 'state', '#profile': 'profile' },
          ExpressionAttributeValues: {
            ':sent': 'SENT',
            ':now': now,
            ':messageId': mail.messageId,
            ':address': mail.address,
          },
        }),
      ),
    );
  }

  async recordFeedback(
    record: NoticeRecord,
    feedback: NoticeFeedback,
    suppression?: NoticeSuppression,
  ): Promise<boolean> {
    const { state, fields } = feedbackFields(feedback);
    const first = Object.keys(fields)[0] ?? 'deliveredAt';
    const names = Object.fromEntries(Object.keys(fields).map((f) => [`#${f}`, f]));
    const values = Object.fromEntries(Object.entries(fields).map(([f, v]) => [`:${f}`, v]));
    const sets = Object.keys(fields).map((f) => `#${f} = :${f}`);
    // 1. The notice record: once per kind of feedback, and only for the message it sent.
    const notice = {
      TableName: this.tableName,
      Key: { accountId: record.key },
      ConditionExpression: `messageId = :messageId AND attribute_not_exists(#${first})`,
      UpdateExpression: `SET ${[...sets, ...(state ? ['#state = :state'] : [])].join(', ')}`,
      ExpressionAttributeNames: { ...names, ...(state && { '#state': 'state' }) },
      ExpressionAttributeValues: {
        ...values,
        ':messageId': feedback.messageId,
        ...(state && { ':state': state }),
      },
    };
    // 2. The account view's entry for that message, while the deactivation it was for lasts.
    const account = record.target
      ? await this.accountUpdate(record, feedback, fields, suppression)
      : undefined;
    if (!account) return applied(() => this.client.send(new UpdateCommand(notice)));
    return applied(() =>
      this.client.send(
        new TransactWriteCommand({ TransactItems: [{ Update: notice }, { Update: account }] }),
      ),
    );
  }

  /** The update of the account's view and suppression, or undefined when its deactivation is over. */
  private async accountUpdate(
    record: NoticeRecord,
    feedback: NoticeFeedback,
    fields: Record<string, string>,
    suppression?: NoticeSuppression,
  ) {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { accountId: record.target }, ConsistentRead: true }),
    );
    if (Item?.deactivatedAt !== record.deactivatedAt) return undefined;
    const index = (Array.isArray(Item.notices) ? Item.notices : []).findIndex(
      (n: { messageId?: string }) => n.messageId === feedback.messageId,
    );
    const sets = [
      ...(index >= 0 ? Object.keys(fields).map((f) => `notices[${index}].#${f} = :${f}`) : []),
      ...(suppression ? ['noticeSuppression = :suppression'] : []),
    ];
    if (sets.length === 0) return undefined;
    return {
      TableName: this.tableName,
      Key: { accountId: record.target },
      ConditionExpression: `deactivatedAt = :d${index >= 0 ? ` AND notices[${index}].messageId = :messageId` : ''}`,
      UpdateExpression: `SET ${sets.join(', ')}`,
      ...(index >= 0 && {
        ExpressionAttributeNames: Object.fromEntries(Object.keys(fields).map((f) => [`#${f}`, f])),
      }),
      ExpressionAttributeValues: {
        ':d': record.deactivatedAt,
        ...(index >= 0 && Object.fromEntries(Object.entries(fields).map(([f, v]) => [`:${f}`, v]))),
        ...(index >= 0 && { ':messageId': feedback.messageId }),
        ...(suppression && { ':suppression': suppression }),
      },
    };
  }

  async recordSent(
    accountId: string,
    deactivatedAt: string,
    notice: { kind: string; sentAt: string; messageId: string },
  ) {
    await applied(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId },
          ConditionExpression: 'deactivatedAt = :d',
          UpdateExpression: 'SET notices = list_append(if_not_exists(notices, :none), :notice)',
          ExpressionAttributeValues: { ':d': deactivatedAt, ':none': [], ':notice': [notice] },
        }),
      ),
    );
  }

  async page(shard: string, now: string, cursor: string | undefined, limit: number) {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: NOTICES_DUE_INDEX,
        KeyConditionExpression: 'noticeShard = :shard AND noticeDueAt <= :now',
        ExpressionAttributeValues: { ':shard': shard, ':now': now },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    return {
      items: (Items ?? []).map((item) => ({
        key: String(item.accountId),
        noticeDueAt: String(item.noticeDueAt),
      })),
      ...(LastEvaluatedKey && { cursor: encodeCursor(LastEvaluatedKey) }),
    };
  }

  async postpone(notice: DueNotice, until: string): Promise<boolean> {
    return applied(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId: notice.key },
          ConditionExpression: '#state = :pending AND noticeDueAt = :due',
          UpdateExpression: 'SET noticeDueAt = :until',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':due': notice.noticeDueAt, ':until': until },
        }),
      ),
    );
  }
}
