/**
 * A purge as pure data: which store comes next, what was deleted so far, and
 * the receipt it ends with. The worker saves this progress after every page,
 * so a purge survives crashes and continues across invocations (I3).
 */
import type { DataMap, Store } from './data-map.ts';
import { profileStore } from './data-map.ts';

export interface ProcessorRequest {
  readonly requestedAt: string;
  /** When the processor owes its deletion by (P5). */
  readonly deadline: string;
}

/**
 * Keys about to be deleted, recorded before the delete: a run killed between
 * the delete and its checkpoint leaves them here, and the next run deletes
 * them again (a no-op for those already gone) and counts each once, so the
 * receipt's counts are exact across crashes.
 */
export interface PendingPage {
  readonly store: string;
  /** The keys, as the store's adapter writes them (it alone reads them back). */
  readonly keys: readonly string[];
}

export interface PurgeProgress {
  readonly startedAt: string;
  /** When the account became due (from the claim): the deletion SLA runs from here. */
  readonly purgeAfter?: string;
  /** Index into `purgeOrder(map)` of the store being purged. */
  readonly target: number;
  /** Where the current store's next page starts; undefined at a store's first page. */
  readonly cursor?: string;
  /** Items deleted so far, by store name. */
  readonly counts: Readonly<Record<string, number>>;
  readonly processors: Readonly<Record<string, ProcessorRequest>>;
  /** Keys announced for deletion and not yet counted; absent between pages. */
  readonly pending?: PendingPage;
}

/**
 * Stores in the order they are purged: the profile last, so an interrupted
 * purge still knows whom it is purging.
 */
export const purgeOrder = (map: DataMap): Store[] => {
  const profile = profileStore(map);
  return [...map.stores.filter((s) => s.name !== profile.name), profile];
};

export const startPurge = (startedAt: string, purgeAfter?: string): PurgeProgress => ({
  startedAt,
  ...(purgeAfter !== undefined && { purgeAfter }),
  target: 0,
  counts: {},
  processors: {},
});

/** Counts the pending keys, which are deleted by now, and forgets them. */
export const settlePending = (progress: PurgeProgress): PurgeProgress => {
  const { pending, ...rest } = progress;
  if (!pending) return progress;
  return {
    ...rest,
    counts: {
      ...progress.counts,
      [pending.store]: (progress.counts[pending.store] ?? 0) + pending.keys.length,
    },
  };
};

/** Keys about to be deleted from `store`: whatever was pending before is deleted now, and counted. */
export const announcePage = (
  progress: PurgeProgress,
  store: Store,
  keys: readonly string[],
): PurgeProgress => ({
  ...settlePending(progress),
  pending: { store: store.name, keys },
});

/**
 * Progress after one page of the current store (its pending keys, deleted by
 * now, counted; `deleted` adds what was deleted without being announced);
 * the next store begins when this one is empty.
 */
export const afterPage = (
  before: PurgeProgress,
  store: Store,
  deleted: number,
  cursor?: string,
): PurgeProgress => {
  const progress = settlePending(before);
  const counts = { ...progress.counts, [store.name]: (progress.counts[store.name] ?? 0) + deleted };
  const base = {
    startedAt: progress.startedAt,
    ...(progress.purgeAfter !== undefined && { purgeAfter: progress.purgeAfter }),
    counts,
    processors: progress.processors,
  };
  return cursor === undefined
    ? { ...base, target: progress.target + 1 }
    : { ...base, target: progress.target, cursor };
};

export const afterProcessorRequest = (
  progress: PurgeProgress,
  store: Store,
  request: ProcessorRequest,
): PurgeProgress => ({
  ...afterPage(progress, store, 0),
  processors: { ...progress.processors, [store.name]: request },
});

export const currentStore = (map: DataMap, progress: PurgeProgress): Store | undefined =>
  purgeOrder(map)[progress.target];

export interface ReceiptTarget {
  readonly name: string;
  readonly kind: Store['kind'];
  readonly deleted: number;
  readonly requestedAt?: string;
  readonly deadline?: string;
}

/**
 * The deletion SLA: purged within `afterPurgeAfter` of `purgeAfter` (the
 * team's promise, default P1D), and never later than `outerBound` after it
 * (the regulator's month, default P30D: the erasure is due at purgeAfter, the
 * grace period before it being the user's own chance to change their mind).
 */
export interface DeletionSla {
  readonly afterPurgeAfterMs: number;
  readonly outerBoundMs: number;
}

export const DEFAULT_DELETION_SLA = { afterPurgeAfter: 'P1D', outerBound: 'P30D' } as const;

/** On the receipt: the times the SLA was measured against, and whether it was met. */
export interface SlaRecord {
  readonly purgeAfter: string;
  /** purgeAfter + the SLA. */
  readonly dueBy: string;
  /** purgeAfter + the outer bound. */
  readonly outerBound: string;
  readonly finishedAt: string;
  readonly met: boolean;
  readonly withinOuterBound: boolean;
}

export const slaRecord = (purgeAfter: string, finishedAt: string, sla: DeletionSla): SlaRecord => {
  const due = Date.parse(purgeAfter);
  const done = Date.parse(finishedAt);
  return {
    purgeAfter,
    dueBy: new Date(due + sla.afterPurgeAfterMs).toISOString(),
    outerBound: new Date(due + sla.outerBoundMs).toISOString(),
    finishedAt,
    met: done <= due + sla.afterPurgeAfterMs,
    withinOuterBound: done <= due + sla.outerBoundMs,
  };
};

/** Past purgeAfter + the SLA and not purged: the `--overdue` list and the OverdueAccounts alarm. */
export const overdueBefore = (now: Date, sla: DeletionSla): string =>
  new Date(now.getTime() - sla.afterPurgeAfterMs).toISOString();

/** The deletion receipt: no raw id, no address, only counts, times and target names (I6). */
export interface Receipt {
  readonly subject: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** When backups that may still hold the data have all expired. */
  readonly goneFromBackupsBy: string;
  readonly targets: readonly ReceiptTarget[];
  /** Met or missed, with the times; absent on receipts from before the SLA was recorded. */
  readonly sla?: SlaRecord;
}

export const buildReceipt = (
  map: DataMap,
  subject: string,
  progress: PurgeProgress,
  finishedAt: string,
  backupWindowMs: number,
  sla?: DeletionSla,
): Receipt => ({
  subject,
  startedAt: progress.startedAt,
  finishedAt,
  goneFromBackupsBy: new Date(Date.parse(finishedAt) + backupWindowMs).toISOString(),
  targets: purgeOrder(map).map((store) => {
    const request = progress.processors[store.name];
    return {
      name: store.name,
      kind: store.kind,
      deleted: progress.counts[store.name] ?? 0,
      ...(request && { requestedAt: request.requestedAt, deadline: request.deadline }),
    };
  }),
  ...(sla && progress.purgeAfter !== undefined && { sla: slaRecord(progress.purgeAfter, finishedAt, sla) }),
});
