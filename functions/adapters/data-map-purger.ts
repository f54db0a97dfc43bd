/** Purges one data-map store of any DynamoDB, S3 or Cognito kind, by handing it to the adapter for its kind. */
import type { Store } from '../core/data-map.ts';
import type { AnnounceKeys, PageResult, StorePurger } from '../enforcement/ports.ts';
import type { CognitoUsers } from './cognito-users.ts';
import type { DynamoPurger } from './dynamo-purger.ts';
import type { S3Purger } from './s3-purger.ts';

export class DataMapPurger implements StorePurger {
  constructor(
    private readonly dynamo: DynamoPurger,
    private readonly s3: S3Purger,
    /** Only for a data map that names a user pool. */
    private readonly cognito?: CognitoUsers,
  ) {}

  purgePage(
    store: Store,
    accountId: string,
    cursor: string | undefined,
    announce?: AnnounceKeys,
  ): Promise<PageResult> {
    switch (store.kind) {
      case 'dynamodb-partition':
      case 'dynamodb-index':
        return this.dynamo.purgePage(store, accountId, cursor, announce);
      case 's3-prefix':
        return this.s3.purgePage(store, accountId, cursor, announce);
      case 'processor':
        throw new Error('Processors are asked, not paged: see ProcessorClient');
      case 'cognito-user-pool':
        // One user per account: deleted in one call, and a retry finds them gone (counted once).
        return this.cognitoFor(store)
          .delete(store, accountId, announce)
          .then((deleted) => ({ deleted }));
    }
  }

  async deleteAnnounced(store: Store, accountId: string, keys: readonly string[]): Promise<void> {
    switch (store.kind) {
      case 'dynamodb-partition':
      case 'dynamodb-index':
        return this.dynamo.deleteAnnounced(store, accountId, keys);
      case 's3-prefix':
        return this.s3.deleteAnnounced(store, accountId, keys);
      case 'processor':
        return;
      case 'cognito-user-pool':
        for (const username of keys) await this.cognitoFor(store).deleteUser(store, username);
    }
  }

  private cognitoFor(store: Store): CognitoUsers {
    if (!this.cognito) throw new Error(`No Cognito client for store ${store.name}`);
    return this.cognito;
  }
}
