/** Which accounts are under legal hold, read from their lifecycle records in batches of 100 (P4). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Backoff, defaultBackoff } from '../core/backoff.ts';
import type { HeldAccounts } from '../retention/ports.ts';
import { batchGetDocs } from './dynamo-stores.ts';

export class DynamoHolds implements HeldAccounts {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly backoff: Backoff = defaultBackoff,
  ) {}

  async held(accountIds: readonly string[]): Promise<ReadonlySet<string>> {
    // Never guess: an unanswered hold check fails the run, and the next run tries again.
    const items = await batchGetDocs(
      this.client,
      this.tableName,
      accountIds.map((accountId) => ({ accountId })),
      { projection: 'accountId, legalHold', backoff: this.backoff },
    );
    return new Set(
      items.filter((item) => item.legalHold !== undefined).map((item) => String(item.accountId)),
    );
  }
}
