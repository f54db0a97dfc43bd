/**
 * What the account use cases need from the outside world. The use cases own
 * these interfaces; DynamoDB adapters implement them, tests pass plain fakes.
 */
import type { AccountRecord, Actor, LegalHold } from '../core/lifecycle.ts';
import type { PlannedNotice } from '../core/notices.ts';

export interface DeactivateCommand {
  readonly deactivatedAt: string;
  readonly purgeAfter: string;
  readonly reason?: string;
  /** The notices this deactivation plans, recorded in the same write as the transition (an outbox). */
  readonly notices?: readonly PlannedNotice[];
}

/**
 * The outcome of a conditional transition: the record after it and whether this call changed it. */
export interface Transition {
  readonly record: AccountRecord;
  readonly changed: boolean;
}

/**
 * Every transition takes, last, the record the caller has just read (`seen`):
 * the repository starts from it instead of reading again. It only picks the
 * first conditional write to try; the condition still decides.
 */
export interface AccountRepository {
  /** The live record, or a PURGED view of a purged account's tombstone, or undefined. */
  get(accountId: string): Promise<AccountRecord | undefined>;
  /** ACTIVE (or no record) → DEACTIVATED; an already DEACTIVATED account keeps its dates (I5). */
  deactivate(
    accountId: string,
    command: DeactivateCommand,
    now: string,
    actor: Actor,
    seen?: AccountRecord,
  ): Promise<Transition>;
  /**
   * DEACTIVATED → ACTIVE; anything else is returned unchanged. With
   * `deactivatedAt`, only that deactivation is restored (a restore link's).
   */
  restore(
    accountId: string,
    now: string,
    actor: Actor,
    only?: { deactivatedAt: string },
    seen?: AccountRecord,
  ): Promise<Transition>;
  placeHold(
    accountId: string,
    hold: LegalHold,
    now: string,
    actor: Actor,
    seen?: AccountRecord,
  ): Promise<Transition>;
  releaseHold(accountId: string, now: string, actor: Actor, seen?: AccountRecord): Promise<Transition>;
}
