/**
 * What a retention run needs from the outside world; the adapters implement
 * these, use-case tests pass fakes.
 */
import type { CategoryRun, RetentionTask } from '../core/retention.ts';

/** One item or object a store says is past the cutoff, with its owner and time when known. */
export interface Candidate {
  readonly accountId?: string;
  /** The item's own time (epoch ms), re-checked against the cutoff before anything is deleted. */
  readonly timeMs?: number;
  /** What the adapter needs to delete it (key, expiry seen, version). */
  readonly ref: unknown;
}

export interface CandidatePage {
  readonly candidates: readonly Candidate[];
  /** Entries or objects read to find them: the run's cost. */
  readonly read: number;
  readonly cursor?: string;
}

/** Finds and deletes expired items in one kind of store. */
export interface ExpirySource<T extends RetentionTask = RetentionTask> {
  /** How many independent lists a store has (index shards); each is walked to its end. */
  parts(task: T): number;
  /** Candidates whose time is before `cutoffMs`, a page at a time. */
  page(
    task: T,
    part: number,
    cutoffMs: number,
    cursor: string | undefined,
    limit: number,
  ): Promise<CandidatePage>;
  /** Deletes them; answers how many went (an item changed since it was read stays). */
  remove(task: T, candidates: readonly Candidate[]): Promise<number>;
}

/** Which of these accounts are under legal hold now (P4). */
export interface HeldAccounts {
  held(accountIds: readonly string[]): Promise<ReadonlySet<string>>;
}

/** Where each run's counts per category go: the audit trail and metrics, never an id (I6). */
export interface RetentionEvidence {
  record(runs: readonly CategoryRun[], at: string): Promise<void>;
}

/**
 * A CloudWatch Logs log group's retention (the `logGroups` of a rule). Local
 * mode has no CloudWatch Logs stand-in, so there is no local adapter: the
 * handler skips log groups there (docs/retention.md).
 */
export interface LogGroupRetention {
  /** The group's retention in days; `undefined`: it keeps logs forever; `null`: there is no such group. */
  current(group: string): Promise<number | undefined | null>;
  set(group: string, days: number): Promise<void>;
}
