/**
 * What the sweeper and the purge worker need from the outside world; the
 * adapters implement these, use-case tests pass fakes.
 */

import type { AuditEvent } from '../core/audit.ts';
import type { ConfirmationRecord } from '../core/confirmations.ts';
import type { ProcessorStore, Profile, Store } from '../core/data-map.ts';
import type { PurgeProgress, Receipt } from '../core/purge.ts';

/** One page of deletion in one store. `cursor` undefined: the store holds nothing more of the account. */
export interface PageResult {
  readonly deleted: number;
  readonly cursor?: string;
}

/** Told the keys a page is about to delete, before it deletes them; the delete waits for it. */
export type AnnounceKeys = (keys: readonly string[]) => Promise<void>;

/** Deletes an account's data from the data map's stores, a page at a time, resumably. */
export interface StorePurger {
  /**
   * One page. With `announce`, every key is announced before it is deleted
   * (and the page's `deleted` counts announced keys too), so a run killed
   * mid-page leaves behind exactly the keys it may have deleted.
   */
  purgePage(
    store: Store,
    accountId: string,
    cursor: string | undefined,
    announce?: AnnounceKeys,
  ): Promise<PageResult>;
  /** Deletes keys a killed run announced, again: a no-op for those it had deleted already. */
  deleteAnnounced(store: Store, accountId: string, keys: readonly string[]): Promise<void>;
}

/** Third-party processors, asked to delete an account by a signed request (P5). */
export interface ProcessorRequests {
  /** `requestId` names the request without the account id: a status URL is asked about it (requestIdOf). */
  requestDeletion(
    store: ProcessorStore,
    accountId: string,
    requestedAt: string,
    deadline: string,
    requestId: string,
  ): Promise<void>;
}

/** A processor's status URL: is this deletion request done? Anything but "deleted" is not yet. */
export interface ProcessorStatus {
  status(store: ProcessorStore, requestId: string, at: Date): Promise<'deleted' | 'pending'>;
}

export interface PurgeJob {
  readonly accountId: string;
}

export interface PurgeQueue {
  /** Sends in batches of ten; throws if any message could not be sent. */
  send(jobs: readonly PurgeJob[]): Promise<void>;
}

export interface DueAccount {
  readonly accountId: string;
  readonly purgeAfter: string;
}

export interface DueIndex {
  /** Candidates in one shard whose `purgeAfter` has passed, oldest first, a page at a time. */
  page(
    shard: string,
    now: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: DueAccount[]; cursor?: string }>;
  /** How many in one shard have a `purgeAfter` at or before `before` (a count, not the items). */
  countDue(shard: string, before: string): Promise<number>;
}

/** Processor deletion requests waiting for the processor's confirmation (P5). */
export interface ConfirmationIndex {
  /** Pending confirmations whose deadline has passed. */
  countOverdue(now: string): Promise<number>;
}

export interface PendingConfirmation {
  readonly subject: string;
  readonly processor: string;
  readonly requestedAt: string;
  readonly deadline: string;
}

export interface Confirmations extends ConfirmationIndex {
  /** Records that a processor owes a confirmation; a repeat of the same request changes nothing. */
  expect(pending: PendingConfirmation): Promise<void>;
}

/** PENDING → CONFIRMED once; a repeat answers the first one's record. Undefined when nothing was owed. */
export interface ConfirmationSettler {
  confirm(subject: string, processor: string, at: string): Promise<ConfirmationRecord | undefined>;
}

/** Confirmations owed by processors with a status URL, and their polls (P5). */
export interface StatusPolls extends ConfirmationSettler {
  /** Every pending confirmation owed by one of these processors, with its poll state. */
  pending(processors: ReadonlySet<string>): Promise<ConfirmationRecord[]>;
  /** A poll that found it not done: the count and the next poll's time, while it is still PENDING. */
  recordPoll(subject: string, processor: string, polls: number, nextPollAt: string): Promise<void>;
}

export interface SavedProgress {
  readonly progress: PurgeProgress;
  readonly version: number;
}

export interface PurgeClaims {
  /**
   * DEACTIVATED → PURGING if still deactivated, due and unheld; or a PURGING
   * account whose lease ran out (its worker died). One conditional write (I1, I2).
   */
  claim(accountId: string, now: string, leaseUntil: string, progress: PurgeProgress): Promise<boolean>;
  /**
   * Starts one run of the worker on a PURGING account: the run holds the
   * account until `runUntil` (its invocation's end), so two deliveries of the
   * same job never purge it at once and the receipt counts each item once.
   * 'busy': another run holds it; undefined: the account is not PURGING.
   */
  start(
    accountId: string,
    runId: string,
    now: string,
    runUntil: string,
  ): Promise<SavedProgress | 'busy' | undefined>;
  /** Lets go of the account, so a continuation or a retry can start at once. */
  release(accountId: string, runId: string): Promise<void>;
  /**
   * Saves progress and extends the lease, with the audit events of the stores it records as done (in
   * the same write); false if this run no longer holds the account.
   */
  saveProgress(
    accountId: string,
    runId: string,
    saved: SavedProgress,
    next: PurgeProgress,
    leaseUntil: string,
    events?: readonly AuditEvent[],
  ): Promise<boolean>;
  /**
   * PURGING → PURGED: the record becomes a tombstone keyed by subject, with the receipt (I6) and the
   * audit events of stores done since the last save.
   */
  complete(
    accountId: string,
    runId: string,
    saved: SavedProgress,
    receipt: Receipt,
    events?: readonly AuditEvent[],
  ): Promise<boolean>;
  event(accountId: string, at: string, kind: AuditEvent['kind'], extra?: Partial<AuditEvent>): AuditEvent;
  /**
   * Keeps the address the deletion receipt goes to, on the account's own
   * record, before any store is purged; `complete` turns it into the purged
   * notice, and sending it erases it. Only the first capture counts.
   */
  captureNoticeProfile?(accountId: string, profile: Profile): Promise<void>;
}
