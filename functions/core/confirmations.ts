/**
 * Processor confirmations (P5): a processor asked to delete an account owes
 * Lethe a confirmation by its deadline. One record per (subject, processor)
 * in the Accounts table, keyed by subject so it outlives the account without
 * its id (I6). Only a PENDING record carries `confirmShard`, so the sparse
 * `confirmations-due` index holds exactly the confirmations still owed.
 */
import { createHash } from 'node:crypto';
import { dueShardOf } from './lifecycle.ts';

export type ConfirmationState = 'PENDING' | 'CONFIRMED';

export interface ConfirmationRecord {
  readonly subject: string;
  readonly processor: string;
  readonly requestedAt: string;
  readonly deadline: string;
  readonly state: ConfirmationState;
  readonly confirmedAt?: string;
  /** A processor with a status URL: how often it was polled, and when next (pollSchedule). */
  readonly polls?: number;
  readonly nextPollAt?: string;
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

/**
 * What names a deletion request to its processor without the account id,
 * which is gone after the purge (I6): sent with the request, asked about at
 * the processor's status URL. One per (subject, processor), so a repeated
 * request is the same request.
 */
export const requestIdOf = (subject: string, processor: string): string =>
  createHash('sha256').update(`lethe-request:${subject}:${processor}`).digest('hex').slice(0, 32);

/** The longest wait between two polls of a status URL. */
export const MAX_POLL_INTERVAL_MS = 24 * 60 * 60_000;

/**
 * When a status URL is polled: first one sweep interval after the request,
 * then after each poll that finds it not done yet, twice as long as the time
 * before (1, 2, 4, … intervals), never more than a day apart, until it
 * answers "deleted" (past its deadline too: a late confirmation still counts).
 * Polls happen on sweeps, so a poll is as late as one interval at most.
 */
export const nextPollAt = (requestedAt: string, polls: number, intervalMs: number, now: Date): string => {
  if (polls === 0) return new Date(Date.parse(requestedAt) + intervalMs).toISOString();
  const wait = Math.min(MAX_POLL_INTERVAL_MS, intervalMs * 2 ** Math.min(polls, 30));
  return new Date(now.getTime() + wait).toISOString();
};

/** Whether a pending confirmation's status URL is due a poll now. */
export const isPollDue = (
  record: Pick<ConfirmationRecord, 'requestedAt' | 'polls' | 'nextPollAt' | 'state'>,
  intervalMs: number,
  now: Date,
): boolean =>
  record.state === 'PENDING' &&
  Date.parse(record.nextPollAt ?? nextPollAt(record.requestedAt, 0, intervalMs, now)) <= now.getTime();
