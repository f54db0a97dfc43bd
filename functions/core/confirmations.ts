/**
 * Processor confirmations (P5): a processor asked to delete an account owes
 * Lethe a confirmation by its deadline. One record per (subject, processor)
 * in the Accounts table, keyed by subject so it outlives the account without
 * its id (I6). Only a PENDING record carries `confirmShard`, so the sparse
 * `confirmations-due` index holds exactly the confirmations still owed.
 */
import { dueShardOf } from './lifecycle.ts';

export type ConfirmationState = 'PENDING' | 'CONFIRMED';

export interface ConfirmationRecord {
  readonly subject: string;
  readonly processor: string;
  readonly requestedAt: string;
  readonly deadline: string;
  readonly state: ConfirmationState;
  readonly confirmedAt?: string;
}

/** What a receipt line shows for a processor: confirmed, still within its deadline, or overdue. */
export type ConfirmationStatus = 'confirmed' | 'pending' | 'overdue';

export const confirmationKey = (subject: string, processor: string): string =>
  `confirm#${subject}#${processor}`;

export const CONFIRM_SHARDS = 16;
export const confirmShardOf = (subject: string, processor: string): string =>
  dueShardOf(confirmationKey(subject, processor), CONFIRM_SHARDS);

export const confirmationStatus = (
  record: Pick<ConfirmationRecord, 'deadline' | 'confirmedAt'> | undefined,
  deadline: string | undefined,
  now: Date,
): ConfirmationStatus => {
  if (record?.confirmedAt) return 'confirmed';
  const due = record?.deadline ?? deadline;
  return due !== undefined && Date.parse(due) < now.getTime() ? 'overdue' : 'pending';
};

/** How long a signed confirmation stays acceptable after its timestamp: replays later than this fail. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;
