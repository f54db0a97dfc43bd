/** What the event publisher and the sign-in follower need from the outside world; adapters implement these, tests pass fakes. */
import type { CognitoUserPoolStore } from '../core/data-map.ts';

/** Turns an account's sign-in off and on in a user pool; false: the pool has no such user. */
export interface SignInUsers {
  disable(pool: CognitoUserPoolStore, accountId: string): Promise<boolean>;
  enable(pool: CognitoUserPoolStore, accountId: string): Promise<boolean>;
}

/** One event as EventBridge takes it (PutEvents entry). */
export interface BusEntry {
  readonly source: string;
  readonly detailType: string;
  /** The detail, as the JSON text EventBridge stores. */
  readonly detail: string;
  readonly time: string;
}

/** What the bus said about one entry: taken, or refused with EventBridge's error code. */
export type BusResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: string; readonly retryable: boolean };

export interface EventBus {
  /** At most 10 entries; one result per entry, in order. Throws when the bus did not answer. */
  put(entries: readonly BusEntry[]): Promise<BusResult[]>;
}

/** Events the bus refused for good, kept whole (not a pointer into a 24-hour stream) for an operator to redrive. */
export interface DeadLetters {
  send(refused: readonly { readonly entry: BusEntry; readonly code: string }[]): Promise<void>;
}

/** Removes published events from the outbox, so the account id they carry does not linger (I6). */
export interface OutboxCleaner {
  delete(keys: readonly { readonly pk: string; readonly sk: string }[]): Promise<void>;
}
