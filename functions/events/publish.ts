/**
 * Publishes the outbox's new items to EventBridge, in stream order:
 *
 *   1. Each INSERT becomes one PutEvents entry (`source` from the deployment,
 *      the detail type and detail as written in the change's transaction).
 *   2. Entries go in tens; what the bus refuses as throttled or failed is
 *      retried with backoff. What it refuses for good (malformed, too large,
 *      no access) goes whole to the dead-letter queue, which alarms.
 *   3. Still failing after the retries: stop, and name the first unpublished
 *      record as the batch's failure, so the stream hands it back (and
 *      everything after it, in order) on the next try: at least once, never
 *      skipped. Consumers dedupe on `detail.eventId`.
 *   4. Published and dead-lettered items are deleted from the outbox.
 */
import { type Backoff, defaultBackoff, jitteredDelay } from '../core/backoff.ts';
import type { OutboxItem } from '../core/events.ts';
import type { BusEntry, DeadLetters, EventBus, OutboxCleaner } from './ports.ts';

export interface PublishDeps {
  readonly bus: EventBus;
  readonly deadLetters: DeadLetters;
  readonly outbox: OutboxCleaner;
  /** The events' `source`: `lethe` unless the deployment names another. */
  readonly source: string;
  readonly backoff?: Backoff;
}

/** A stream record reduced to what publishing needs: its position and the item it inserted. */
export interface OutboxRecord {
  readonly sequenceNumber: string;
  readonly item: OutboxItem;
}

export interface PublishResult {
  readonly published: number;
  readonly deadLettered: number;
  /** The first record not yet published, when the bus kept failing: retry from here. */
  readonly retryFrom?: string;
}

const CHUNK = 10;
/** Tries per chunk before the stream's own retry takes over (which starts again from the failed record). */
const ATTEMPTS = 4;

export const entryOf = (item: OutboxItem, source: string): BusEntry => ({
  source,
  detailType: item.detailType,
  detail: JSON.stringify(item.detail),
  time: item.detail.time,
});

export const publishRecords = async (
  deps: PublishDeps,
  records: readonly OutboxRecord[],
): Promise<PublishResult> => {
  const backoff = deps.backoff ?? { ...defaultBackoff, baseMs: 100, capMs: 2_000 };
  const done: OutboxRecord[] = [];
  let published = 0;
  let deadLettered = 0;
  let retryFrom: string | undefined;
  for (let start = 0; start < records.length && retryFrom === undefined; start += CHUNK) {
    let pending = records.slice(start, start + CHUNK);
    for (let attempt = 0; pending.length > 0 && attempt < ATTEMPTS; attempt += 1) {
      if (attempt > 0) await backoff.sleep(jitteredDelay(backoff, attempt));
      const entries = pending.map((r) => entryOf(r.item, deps.source));
      let results: Awaited<ReturnType<EventBus['put']>>;
      try {
        results = await deps.bus.put(entries);
      } catch {
        // No answer (throttled call, outage): every entry is still to go.
        continue;
      }
      const refused = pending.flatMap((record, i) => {
        const result = results[i];
        return result && !result.ok && !result.retryable
          ? [{ record, entry: entries[i] as BusEntry, code: result.code }]
          : [];
      });
      if (refused.length > 0) {
        await deps.deadLetters.send(refused.map(({ entry, code }) => ({ entry, code })));
        deadLettered += refused.length;
      }
      const next: OutboxRecord[] = [];
      pending.forEach((record, i) => {
        const result = results[i];
        if (result?.ok) {
          published += 1;
          done.push(record);
        } else if (result && !result.retryable) {
          done.push(record);
        } else {
          next.push(record);
        }
      });
      pending = next;
    }
    // The earliest record still unpublished; what follows it comes again too (order kept per shard).
    if (pending.length > 0) {
      const first = records.find((r) => pending.includes(r));
      retryFrom = first?.sequenceNumber;
    }
  }
  // The stream re-delivers from `retryFrom`, so records after it that went out are published twice: at least once.
  if (done.length > 0) await deps.outbox.delete(done.map((r) => ({ pk: r.item.pk, sk: r.item.sk })));
  return { published, deadLettered, ...(retryFrom !== undefined && { retryFrom }) };
};
