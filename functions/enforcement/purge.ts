/**
 * Purges one account: walks the data map store by store, a page at a time,
 * saving progress after every page. Before the time budget runs out it hands
 * the rest to a new message, so any size of account completes (I3). When
 * every store is empty it swaps the record for a tombstone and the receipt.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../core/audit.ts';
import { requestIdOf } from '../core/confirmations.ts';
import type { DataMap, ProfileReader } from '../core/data-map.ts';
import { parseDuration } from '../core/duration.ts';
import { type Metrics, noMetrics } from '../core/metrics.ts';
import {
  afterPage,
  afterProcessorRequest,
  announcePage,
  buildReceipt,
  currentStore,
  type DeletionSla,
  type Receipt,
  settlePending,
} from '../core/purge.ts';
import type {
  Confirmations,
  ProcessorRequests,
  PurgeClaims,
  PurgeQueue,
  SavedProgress,
  StorePurger,
} from './ports.ts';

export interface PurgeDeps {
  readonly map: DataMap;
  readonly claims: PurgeClaims;
  readonly purger: StorePurger;
  readonly processors: ProcessorRequests;
  readonly queue: PurgeQueue;
  readonly now: () => Date;
  readonly remainingMs: () => number;
  /** Reads the address for the deletion receipt before the profile is purged; absent: no purged notice. */
  readonly profiles?: ProfileReader;
  readonly metrics?: Metrics;
  /** Where a processor's owed confirmation is recorded before it is asked (P5). */
  readonly confirmations?: Confirmations;
}

export interface PurgeOptions {
  /** Continue in a new message when less than this is left. */
  readonly reserveMs: number;
  readonly leaseMs: number;
  /** How long backups may still hold deleted data (the tables' recovery window). */
  readonly backupWindowMs: number;
  /** Recorded on the receipt as met or missed. */
  readonly sla?: DeletionSla;
}

const MAX_RUN_MS = 15 * 60_000;
/** At most this many stores' events ride on one write: a transaction holds 100 items, the completion's own among them. */
const MAX_DEFERRED_EVENTS = 20;

export type PurgeOutcome = 'purged' | 'continued' | 'not-purging' | 'superseded';

export const purgeAccount = async (
  deps: PurgeDeps,
  accountId: string,
  options: PurgeOptions,
): Promise<{ outcome: PurgeOutcome; pages: number }> => {
  // 1. Only a claimed account is purged, by one run at a time; a duplicate message is a no-op.
  const runId = randomUUID();
  const started = deps.now();
  // A run holds the account until its invocation ends (Lambda allows at most 15 minutes).
  const runUntil = new Date(started.getTime() + Math.min(deps.remainingMs(), MAX_RUN_MS)).toISOString();
  const start = await deps.claims.start(accountId, runId, started.toISOString(), runUntil);
  if (start === undefined) return { outcome: 'not-purging', pages: 0 };
  if (start === 'busy') return { outcome: 'superseded', pages: 0 };
  let result: { outcome: PurgeOutcome; pages: number } | undefined;
  try {
    // The receipt's address, while the profile still exists: nothing is deleted before the first page.
    if (start.version === 0 && deps.profiles && deps.claims.captureNoticeProfile) {
      const profile = await deps.profiles.get(accountId);
      if (profile?.email) await deps.claims.captureNoticeProfile(accountId, profile);
    }
    if (start.version === 0) metricsOf(deps).record('purgesStarted');
    result = await run(deps, accountId, runId, start, options);
    return result;
  } catch (error) {
    metricsOf(deps).record('purgesFailed');
    throw error;
  } finally {
    // Nothing to let go of once purged (the record is gone) or continued (let go before the send).
    if (result?.outcome !== 'purged' && result?.outcome !== 'continued') {
      await deps.claims.release(accountId, runId);
    }
  }
};

const metricsOf = (deps: PurgeDeps) => deps.metrics ?? noMetrics;

/** What a finished purge adds to the dashboard: how long it took, how late it was, whether the SLA held. */
const recordCompleted = (metrics: Metrics, receipt: Receipt) => {
  metrics.record('purgesCompleted');
  metrics.record('purgeDuration', Date.parse(receipt.finishedAt) - Date.parse(receipt.startedAt));
  if (receipt.sla) {
    metrics.record('purgeLatency', Date.parse(receipt.finishedAt) - Date.parse(receipt.sla.purgeAfter));
    if (!receipt.sla.met) metrics.record('deletionSlaMissed');
  }
};

/** Another delivery of this job saved first: it carries on from its own checkpoint. */
class Superseded extends Error {}

/**
 * A run killed between a page's delete and its checkpoint left that page's
 * keys pending: delete them again (a no-op for those it got to) and count
 * each once, so the receipt is exact however the last run ended.
 */
const settle = async (
  deps: PurgeDeps,
  accountId: string,
  runId: string,
  saved: SavedProgress,
  leaseUntil: string,
): Promise<SavedProgress | undefined> => {
  const { pending } = saved.progress;
  if (!pending) return saved;
  const store = deps.map.stores.find((s) => s.name === pending.store);
  if (store) await deps.purger.deleteAnnounced(store, accountId, pending.keys);
  const next = settlePending(saved.progress);
  if (!(await deps.claims.saveProgress(accountId, runId, saved, next, leaseUntil))) return undefined;
  return { progress: next, version: saved.version + 1 };
};

const run = async (
  deps: PurgeDeps,
  accountId: string,
  runId: string,
  first: SavedProgress,
  options: PurgeOptions,
): Promise<{ outcome: PurgeOutcome; pages: number }> => {
  const leaseFrom = (at: string) => new Date(Date.parse(at) + options.leaseMs).toISOString();
  const settled = await settle(deps, accountId, runId, first, leaseFrom(deps.now().toISOString()));
  if (!settled) return { outcome: 'superseded', pages: 0 };
  let saved = settled;
  let pages = 0;
  /**
   * Audit events of stores finished but not yet saved as done: they go with the next write (the next
   * store's first pending page, a checkpoint, or the completion). A store's finishing checkpoint adds
   * nothing a crash would lose when every item it deleted was saved as pending first: a run that dies
   * before the next write settles those keys (counting each once), reads the store again, finds it empty,
   * and says so then. One write a store fewer; a store found empty at once needs none at all.
   */
  let deferred: AuditEvent[] = [];
  for (;;) {
    const now = deps.now().toISOString();
    const leaseUntil = leaseFrom(now);
    const store = currentStore(deps.map, saved.progress);
    // 2. Every store empty: the record becomes a tombstone, with the receipt (I6).
    if (!store) {
      const receipt = buildReceipt(
        deps.map,
        deps.claims.event(accountId, now, 'purged').subject,
        saved.progress,
        now,
        options.backupWindowMs,
        options.sla,
      );
      const done = await deps.claims.complete(accountId, runId, saved, receipt, deferred);
      if (done) recordCompleted(metricsOf(deps), receipt);
      return { outcome: done ? 'purged' : 'superseded', pages };
    }
    // 3. Out of time: continue in a new message from the saved checkpoint.
    if (deps.remainingMs() < options.reserveMs) {
      // Let go first, so the continuation is never turned away as busy.
      await deps.claims.release(accountId, runId);
      await deps.queue.send([{ accountId }]);
      return { outcome: 'continued', pages };
    }
    // 4. One page of the current store, then save where we are.
    let next: typeof saved.progress;
    /** Items the store reports deleted that were never saved as pending: only a checkpoint counts them. */
    let unannounced = 0;
    if (store.kind === 'processor') {
      const deadline = new Date(Date.parse(now) + parseDuration(store.deadline)).toISOString();
      // Owed before asked: a processor that confirms at once finds its confirmation expected.
      const subject = deps.claims.event(accountId, now, 'target-done').subject;
      await deps.confirmations?.expect({ subject, processor: store.name, requestedAt: now, deadline });
      await deps.processors.requestDeletion(
        store,
        accountId,
        now,
        deadline,
        requestIdOf(subject, store.name),
      );
      metricsOf(deps).record('processorRequests', 1, { processor: store.name });
      next = afterProcessorRequest(saved.progress, store, { requestedAt: now, deadline });
    } else {
      // Each set of keys is saved as pending before it is deleted (crash-exact counts, see settle).
      let announced = 0;
      const announce = async (keys: readonly string[]) => {
        const pending = announcePage(saved.progress, store, keys);
        if (!(await deps.claims.saveProgress(accountId, runId, saved, pending, leaseUntil, deferred))) {
          throw new Superseded();
        }
        saved = { progress: pending, version: saved.version + 1 };
        deferred = [];
        announced += keys.length;
      };
      let page: Awaited<ReturnType<StorePurger['purgePage']>>;
      try {
        page = await deps.purger.purgePage(store, accountId, saved.progress.cursor, announce);
      } catch (error) {
        if (error instanceof Superseded) return { outcome: 'superseded', pages };
        throw error;
      }
      if (page.deleted > 0) metricsOf(deps).record('itemsDeleted', page.deleted, { store: store.name });
      // The pending keys are counted as they settle; anything deleted unannounced, as the store reports it.
      unannounced = Math.max(0, page.deleted - announced);
      next = afterPage(saved.progress, store, unannounced, page.cursor);
    }
    pages += 1;
    const finishedStore = next.target > saved.progress.target;
    const events = finishedStore
      ? [
          ...deferred,
          deps.claims.event(accountId, now, 'target-done', {
            target: store.name,
            count: next.counts[store.name] ?? 0,
          }),
        ]
      : deferred;
    // A store done with every deletion saved as pending first (or none at all): its event waits for the next write.
    const settledByPending = store.kind !== 'processor' && finishedStore && unannounced === 0;
    if (settledByPending && events.length <= MAX_DEFERRED_EVENTS) {
      deferred = events;
      saved = { progress: next, version: saved.version };
      continue;
    }
    if (!(await deps.claims.saveProgress(accountId, runId, saved, next, leaseUntil, events))) {
      // Another delivery of this job saved first; it carries on from its own checkpoint.
      return { outcome: 'superseded', pages };
    }
    saved = { progress: next, version: saved.version + 1 };
    deferred = [];
  }
};
