/**
 * Lifecycle events as plain data: what the host app hears about each
 * committed change (docs/events.md). An event is built here, written to the
 * outbox in the same transaction as its change, and published from the
 * outbox's stream to EventBridge. No AWS SDK here.
 *
 * A detail never carries an address, a name, a token, a reason or any other
 * free text: ids, times, codes and counts only (I6, I7).
 */
import { randomUUID } from 'node:crypto';
import type { ActorKind } from './lifecycle.ts';
import type { ReceiptTarget } from './purge.ts';

/** Bump when a detail's shape changes incompatibly; schemas/events/*.json describe this version. */
export const EVENT_SCHEMA_VERSION = 1;

/** The default `source` of every event; the construct's `events.source` changes it. */
export const DEFAULT_EVENT_SOURCE = 'lethe';

export const DETAIL_TYPES = [
  'AccountDeactivated',
  'AccountRestored',
  'AccountPurgeStarted',
  'AccountPurged',
  'LegalHoldPlaced',
  'LegalHoldReleased',
  'ExportReady',
  'ExportFailed',
  'NoticeFailed',
] as const;
export type DetailType = (typeof DETAIL_TYPES)[number];

interface Common {
  readonly schemaVersion: number;
  /** Unique per event, kept across redeliveries: consumers dedupe on it. */
  readonly eventId: string;
  /** When the change committed (the transaction's time), UTC ISO-8601. */
  readonly time: string;
  readonly actor: ActorKind;
}

interface OfAccount extends Common {
  readonly accountId: string;
}

export interface Details {
  AccountDeactivated: OfAccount & {
    readonly deactivatedAt: string;
    readonly purgeAfter: string;
    readonly legalHold: boolean;
  };
  AccountRestored: OfAccount;
  AccountPurgeStarted: OfAccount;
  AccountPurged: OfAccount & {
    readonly purgedAt: string;
    readonly goneFromBackupsBy: string;
    readonly targets: readonly ReceiptTarget[];
  };
  LegalHoldPlaced: OfAccount;
  LegalHoldReleased: OfAccount;
  ExportReady: OfAccount & { readonly exportId: string; readonly bytes: number };
  ExportFailed: OfAccount & { readonly exportId: string; readonly failure: string };
  /**
   * A notice that did not go out for good. The deletion receipt is sent after
   * the purge, when the account id no longer exists anywhere in Lethe (I6):
   * its failure names the subject instead.
   */
  NoticeFailed: Common & {
    readonly accountId?: string;
    readonly subject?: string;
    readonly notice: string;
    /** `rejected` by SES, `no-address`, `suppressed` (bounced for good or complained before), or `uncertain`. */
    readonly reason: string;
  };
}

export type LifecycleEvent = {
  [T in DetailType]: { readonly detailType: T; readonly detail: Details[T] };
}[DetailType];

type Specific<T extends DetailType> = Omit<Details[T], keyof Common>;

/** A new event of a kind, with a fresh id: one per committed change. */
export const lifecycleEvent = <T extends DetailType>(
  detailType: T,
  time: string,
  actor: ActorKind,
  fields: Specific<T>,
): LifecycleEvent =>
  ({
    detailType,
    detail: { schemaVersion: EVENT_SCHEMA_VERSION, eventId: randomUUID(), time, actor, ...fields },
  }) as LifecycleEvent;

/** The account an event is about, when it names one (a purged account's receipt notice does not). */
export const accountOf = (event: LifecycleEvent): string | undefined =>
  'accountId' in event.detail ? event.detail.accountId : undefined;

/** A lifecycle event as the outbox table holds it, and as its stream hands it to the publisher. */
export interface OutboxItem {
  readonly pk: string;
  readonly sk: string;
  readonly detailType: LifecycleEvent['detailType'];
  readonly detail: LifecycleEvent['detail'];
  readonly expiresAt: number;
}
