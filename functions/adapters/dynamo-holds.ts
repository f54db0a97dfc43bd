/** Which accounts are under legal hold, read from their lifecycle records in batches of 100 (P4). */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Backoff, defaultBackoff, jitteredDelay } from '../core/backoff.ts';
import type { HeldAccounts } from '../retention/ports.ts';

export class DynamoHolds implements HeldAccounts {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly backoff: Backoff = defaultBackoff,
  ) {}

  async held(accountIds: readonly string[]): Promise<ReadonlySet<string>> {
    const held = new Set<string>();
    for (let i = 0; i < accountIds.length; i += 100) {
      let keys = accountIds.slice(i, i + 100).map((accountId) => ({ accountId }));
      for (let attempt = 0; keys.length > 0; attempt += 1) {
        // Never guess: an unanswered hold check fails the run, and the next run tries again.
        if (attempt >= this.backoff.attempts) throw new Error('BatchGetItem kept account keys unprocessed');
        if (attempt > 0) await this.backoff.sleep(jitteredDelay(this.backoff, attempt));
        const { Responses, UnprocessedKeys } = await this.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: keys,
                ConsistentRead: true,
                ProjectionExpression: 'accountId, legalHold',
              },
            },
          }),
        );
        for (const item of Responses?.[this.tableName] ?? []) {
          if (item.legalHold !== undefined) held.add(String(item.accountId));
        }
        keys = (UnprocessedKeys?.[this.tableName]?.Keys ?? []) as { accountId: string }[];
      }
    }
    return held;
  }
}
