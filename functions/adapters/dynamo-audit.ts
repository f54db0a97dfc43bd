/** The audit trail and receipts on DynamoDB, keyed by subject, never by the account id (I6). */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../core/audit.ts';
import type { Receipt } from '../core/purge.ts';
import { subjectOf } from '../core/subject.ts';

export const RECEIPT_SK = 'RECEIPT';

export class AuditLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly subjectKey: string,
    /** How long events are kept before TTL removes them. */
    private readonly retentionMs: number,
  ) {}

  subjectOf(accountId: string): string {
    return subjectOf(this.subjectKey, accountId);
  }

  /** A Put for a TransactWriteItems, so an event is written exactly when its transition is. */
  put(event: AuditEvent) {
    const expiresAt = Math.floor((Date.parse(event.at) + this.retentionMs) / 1000);
    return {
      TableName: this.tableName,
      // The random suffix keeps two events in the same millisecond apart.
      Item: { ...event, sk: `EVENT#${event.at}#${event.kind}#${randomUUID().slice(0, 8)}`, expiresAt },
    };
  }

  putReceipt(subject: string, receipt: Receipt) {
    return { TableName: this.tableName, Item: { ...receipt, subject, sk: RECEIPT_SK } };
  }

  /** A subject's event items, page by page. */
  private async *eventItems(subject: string): AsyncGenerator<Record<string, unknown>> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'subject = :s AND begins_with(sk, :e)',
          ExpressionAttributeValues: { ':s': subject, ':e': 'EVENT#' },
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      yield* page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start);
  }

  async trail(accountId: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    for await (const item of this.eventItems(this.subjectOf(accountId))) {
      const { sk: _sk, expiresAt: _e, ...event } = item;
      events.push(event as unknown as AuditEvent);
    }
    return events;
  }

  /**
   * Erases the user's own words (a deactivation's reason) from a subject's
   * events, before the purge ends (I6). Idempotent: a retried purge finds
   * nothing left to erase. Operators' reasons (holds) stay.
   */
  async eraseUserReasons(subject: string): Promise<number> {
    let erased = 0;
    for await (const item of this.eventItems(subject)) {
      if (item.kind !== 'deactivated' || item.reason === undefined) continue;
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { subject: item.subject, sk: item.sk },
          UpdateExpression: 'REMOVE reason',
        }),
      );
      erased += 1;
    }
    return erased;
  }

  async receipt(accountId: string): Promise<Receipt | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { subject: this.subjectOf(accountId), sk: RECEIPT_SK },
      }),
    );
    if (!Item) return undefined;
    const { sk: _sk, ...receipt } = Item;
    return receipt as Receipt;
  }
}
