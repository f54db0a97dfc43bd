/**
 * Status URL polling (P5): a processor that offers a status URL instead of
 * calling back is asked, on sweeps, whether each deletion request it owes is
 * done, with backoff between polls (core/confirmations.ts, nextPollAt). A
 * "deleted" answer settles the confirmation exactly as the processor's signed
 * POST does (settleConfirmation); anything else, an error included, is "not
 * yet", and the next poll waits twice as long. The poll is signed like the
 * deletion request and names the request by its id, never the account's
 * (gone after the purge, I6).
 */
import { isPollDue, nextPollAt, requestIdOf } from '../core/confirmations.ts';
import type { DataMap, ProcessorStore } from '../core/data-map.ts';
import { type Metrics, noMetrics } from '../core/metrics.ts';
import { settleConfirmation } from './confirm-deletion.ts';
import type { ProcessorStatus, StatusPolls } from './ports.ts';

export interface PollProcessorsDeps {
  readonly map: DataMap;
  readonly polls: StatusPolls;
  readonly status: ProcessorStatus;
  /** The sweep interval: polls happen on sweeps, the first one interval after the request. */
  readonly intervalMs: number;
  readonly now: () => Date;
  /** Milliseconds left in this invocation: no poll starts with less than `reserveMs` left. */
  readonly remainingMs: () => number;
  readonly reserveMs: number;
  readonly metrics?: Metrics;
}

export interface PollResult {
  readonly polled: number;
  readonly confirmed: number;
  /** Polls that failed (no answer, an error status): counted as "not yet". */
  readonly failed: number;
}

/** How many status URLs are asked at once. */
const CONCURRENCY = 8;

export const pollProcessors = async (deps: PollProcessorsDeps): Promise<PollResult> => {
  const stores = new Map(
    deps.map.stores
      .filter((s): s is ProcessorStore => s.kind === 'processor' && s.statusUrl !== undefined)
      .map((s) => [s.name, s]),
  );
  if (stores.size === 0) return { polled: 0, confirmed: 0, failed: 0 };
  // 1. What is owed by a processor with a status URL, and due a poll now.
  const now = deps.now();
  const due = (await deps.polls.pending(new Set(stores.keys()))).filter((r) =>
    isPollDue(r, deps.intervalMs, now),
  );
  const settler = { confirmations: deps.polls, ...(deps.metrics && { metrics: deps.metrics }) };
  let polled = 0;
  let confirmed = 0;
  let failed = 0;
  for (let start = 0; start < due.length; start += CONCURRENCY) {
    if (deps.remainingMs() < deps.reserveMs) break;
    await Promise.all(
      due.slice(start, start + CONCURRENCY).map(async (record) => {
        const store = stores.get(record.processor) as ProcessorStore;
        // 2. Ask; an error is "not yet".
        const answer = await deps.status
          .status(store, requestIdOf(record.subject, record.processor), now)
          .catch(() => 'failed' as const);
        polled += 1;
        (deps.metrics ?? noMetrics).record('processorStatusPolls', 1, { processor: store.name });
        // 3. Deleted: settled as the signed confirmation settles it. Otherwise: the next poll, later.
        if (answer === 'deleted') {
          await settleConfirmation(settler, record.subject, record.processor, now.toISOString());
          confirmed += 1;
          return;
        }
        if (answer === 'failed') failed += 1;
        const polls = (record.polls ?? 0) + 1;
        await deps.polls.recordPoll(
          record.subject,
          record.processor,
          polls,
          nextPollAt(record.requestedAt, polls, deps.intervalMs, now),
        );
      }),
    );
  }
  return { polled, confirmed, failed };
};
