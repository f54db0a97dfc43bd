/**
 * One retention run (P9): for each category and store, find what is past
 * window + maxLag (less one run interval), keep what a legal hold covers
 * (P4), delete the rest, and record the counts. It reads what expires, not
 * whole tables: DynamoDB through the sparse `lethe-retention` index. It stops
 * when its time budget runs low; the next run carries on.
 */
import { type Metrics, noMetrics } from '../core/metrics.ts';
import { type CategoryRun, deletionAgeMs, type RetentionTask } from '../core/retention.ts';
import type { Candidate, ExpirySource, HeldAccounts, RetentionEvidence } from './ports.ts';

export interface RetentionDeps {
  readonly dynamo: ExpirySource;
  readonly s3: ExpirySource;
  readonly holds: HeldAccounts;
  readonly evidence: RetentionEvidence;
  /** Each run's counts per category (the dashboard's retention widgets). */
  readonly metrics?: Metrics;
  readonly now: () => Date;
  /** Milliseconds left in this invocation. */
  readonly remainingMs: () => number;
}

export interface RetentionOptions {
  /** How late past its window an item may be deleted at most. */
  readonly maxLagMs: number;
  /** How often runs start: a run deletes early enough that the next is in time. */
  readonly intervalMs: number;
  readonly reserveMs: number;
  readonly pageSize: number;
}

interface Totals {
  read: number;
  deleted: number;
  held: number;
  complete: boolean;
}

export const enforceRetention = async (
  tasks: readonly RetentionTask[],
  deps: RetentionDeps,
  options: RetentionOptions,
): Promise<CategoryRun[]> => {
  const now = deps.now().getTime();
  const totals = new Map<string, Totals>();
  let outOfTime = false;
  for (const task of tasks) {
    const sum = totals.get(task.rule.category) ?? { read: 0, deleted: 0, held: 0, complete: true };
    totals.set(task.rule.category, sum);
    if (outOfTime) {
      sum.complete = false;
      continue;
    }
    const source = task.store.kind === 's3-prefix' ? deps.s3 : deps.dynamo;
    const cutoffMs = now - deletionAgeMs(task.windowMs, options.maxLagMs, options.intervalMs);
    for (let part = 0; part < source.parts(task) && !outOfTime; part += 1) {
      let cursor: string | undefined;
      do {
        if (deps.remainingMs() < options.reserveMs) {
          outOfTime = true;
          sum.complete = false;
          break;
        }
        // 1. One page of entries past the cutoff.
        const page = await source.page(task, part, cutoffMs, cursor, options.pageSize);
        sum.read += page.read;
        // 2. The item's own time decides: an index entry the host app has not yet updated is not enough.
        const due = page.candidates.filter((c) => c.timeMs === undefined || c.timeMs < cutoffMs);
        // 3. A held account keeps its items past their window (P4).
        const held = await deps.holds.held(accountsOf(due));
        const doomed = due.filter((c) => c.accountId === undefined || !held.has(c.accountId));
        sum.held += due.length - doomed.length;
        // 4. Delete.
        if (doomed.length > 0) sum.deleted += await source.remove(task, doomed);
        cursor = page.cursor;
      } while (cursor);
    }
  }
  const runs = [...totals].map(([category, t]) => ({ category, ...t }));
  await deps.evidence.record(runs, new Date(now).toISOString());
  const metrics = deps.metrics ?? noMetrics;
  for (const run of runs) {
    const category = { category: run.category };
    metrics.record('retentionDeleted', run.deleted, category);
    metrics.record('retentionHeld', run.held, category);
    metrics.record('retentionRead', run.read, category);
    metrics.record('retentionIncomplete', run.complete ? 0 : 1, category);
  }
  return runs;
};

const accountsOf = (candidates: readonly Candidate[]): string[] => [
  ...new Set(candidates.map((c) => c.accountId).filter((id): id is string => id !== undefined)),
];
