/**
 * The enforcement loop as AWS runs it: the sweeper on a schedule, the purge
 * worker fed by its queue. The handlers are the real ones, imported only here,
 * after the caller has set the environment they read at cold start.
 *
 * Each sweep that claims something and each purge message handled is one
 * line, keyed by the masked account id, never the id or an address (I7).
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, ScheduledEvent, SQSRecord } from 'aws-lambda';
import type { DataMap } from '../functions/core/data-map.ts';
import { purgeOrder } from '../functions/core/purge.ts';
import { accountsTable } from '../functions/core/resources.ts';
import type { CategoryRun } from '../functions/core/retention.ts';
import { subjectOf, tombstoneKey } from '../functions/core/subject.ts';
import type { SweepResult } from '../functions/enforcement/sweep.ts';
import {
  accountOfRecord,
  type BatchStats,
  describeRecord,
  type QueuePoller,
  type RecordOutcome,
  startQueuePoller,
} from './queue-poller.ts';
import type { LocalQueue } from './resources.ts';
import { type Scheduler, startScheduler } from './scheduler.ts';

export interface EnforcementOptions {
  readonly sqs: SQSClient;
  readonly doc: DynamoDBDocumentClient;
  readonly map: DataMap;
  readonly purgeQueue: LocalQueue;
  /** The notice queue, consumed by the notice sender like the purge queue; absent: notices stay queued. */
  readonly noticeQueue?: LocalQueue;
  /** To find a purged account's tombstone, which is keyed by subject. */
  readonly subjectKey: string;
  readonly sweepIntervalMs: number;
  /** False: nothing runs on its own; the caller sweeps and drains (tests). @default true */
  readonly autoStart?: boolean;
  /**
   * Each sweep also runs the retention sweeper (P9), as AWS runs it on the
   * same schedule. Tests of the purge alone turn it off. @default true
   */
  readonly retention?: boolean;
  readonly log?: (line: string) => void;
  readonly warn?: (line: string) => void;
}

export type LocalSweepResult = SweepResult & { noticesEnqueued: number; retention?: CategoryRun[] };

export interface Enforcement {
  /** One sweep now (and a retention run), after the one in progress if any. */
  sweepNow(): Promise<LocalSweepResult>;
  /** Handles purge messages until the queue has no visible message left. */
  drainPurgeQueue(): Promise<BatchStats>;
  /** Sends queued notices until the notice queue has no visible message left. */
  drainNoticeQueue(): Promise<BatchStats>;
  stop(): Promise<void>;
}

/** One line per category a retention run touched: counts only (I6). */
export const retentionLine = (run: CategoryRun): string =>
  `retention ${run.category}: deleted ${run.deleted} past their window` +
  (run.held > 0 ? `, kept ${run.held} under legal hold` : '') +
  (run.complete ? '' : '; more left for the next sweep');

export const startEnforcement = async (options: EnforcementOptions): Promise<Enforcement> => {
  const { doc, map, purgeQueue, subjectKey } = options;
  const log = options.log ?? (() => undefined);
  const warn = options.warn ?? ((line: string) => console.error(line));
  // Not imported at the top: the handlers build their logger and clients from env at first import.
  const withRetention = options.retention ?? true;
  const [sweeper, purgeWorker, noticeSender, retention] = await Promise.all([
    import('../functions/enforcement/sweeper.ts'),
    import('../functions/enforcement/purge-worker.ts'),
    options.noticeQueue ? import('../functions/notices/sender.ts') : undefined,
    withRetention ? import('../functions/retention/retention-sweeper.ts') : undefined,
  ]);
  const autoStart = options.autoStart ?? true;
  const stores = purgeOrder(map);

  /** Where the account stands after a handled message: read back, since the handler answers only failures. */
  const stateOf = async (accountId: string): Promise<string> => {
    const read = (key: string) =>
      doc.send(
        new GetCommand({ TableName: accountsTable.localName, Key: { accountId: key }, ConsistentRead: true }),
      );
    const { Item } = await read(accountId);
    if (Item?.status === 'PURGING') {
      const target = Number((Item.progress as { target?: number } | undefined)?.target ?? 0);
      return `continues in a new message (store ${Math.min(target + 1, stores.length)} of ${stores.length})`;
    }
    if (Item) return `nothing to purge (${String(Item.status)})`;
    const tombstone = (await read(tombstoneKey(subjectOf(subjectKey, accountId)))).Item;
    return tombstone ? 'purged' : 'nothing to purge (unknown account)';
  };

  const reportRecord = async (record: SQSRecord, outcome: RecordOutcome) => {
    const accountId = accountOfRecord(record);
    const who = describeRecord(accountId);
    if (outcome === 'failed') {
      const delivery = Number(record.attributes.ApproximateReceiveCount);
      const max = purgeQueue.definition.maxReceiveCount;
      const next =
        delivery >= max
          ? `it goes to the DLQ (${purgeQueue.dlqUrl})`
          : `it comes back in ${purgeQueue.visibilityTimeoutSeconds} s (the visibility timeout)`;
      warn(`purge ${who}: failed on delivery ${delivery} of ${max}; ${next}`);
      return;
    }
    try {
      log(`purge ${who}: ${accountId ? await stateOf(accountId) : 'done'}`);
    } catch (error) {
      warn(
        `purge ${who}: done; its state could not be read (${error instanceof Error ? error.name : 'error'})`,
      );
    }
  };

  /** The sweep's lines, as soon as it is done: its purges may finish before a retention run does. */
  const reportSweep = (result: SweepResult & { noticesEnqueued: number }, ms: number) => {
    if (result.noticesEnqueued > 0) log(`sweep: ${result.noticesEnqueued} notices due, queued to send`);
    if (result.claimed === 0 && result.complete) return;
    const rest = result.complete ? '' : '; more are due, left for the next sweep';
    log(`sweep: claimed ${result.claimed} of ${result.read} due accounts (${ms} ms)${rest}`);
  };

  // The sweeper, then the retention sweeper: in AWS two functions on the same schedule.
  const sweepAndExpire = async (event: ScheduledEvent, context: Context): Promise<LocalSweepResult> => {
    const started = Date.now();
    const swept = await sweeper.handler(event, context);
    reportSweep(swept, Date.now() - started);
    if (!retention) return swept;
    const { runs } = await retention.handler(event, context);
    for (const run of runs) {
      if (run.deleted > 0 || run.held > 0 || !run.complete) log(retentionLine(run));
    }
    return { ...swept, retention: runs };
  };

  const scheduler: Scheduler<LocalSweepResult> = startScheduler({
    name: 'sweeper',
    handler: sweepAndExpire,
    intervalMs: options.sweepIntervalMs,
    autoStart,
    onError: warn,
  });
  const poller: QueuePoller = startQueuePoller({
    sqs: options.sqs,
    queue: purgeQueue,
    name: 'purge-worker',
    handler: purgeWorker.handler,
    autoStart,
    onRecord: reportRecord,
    onError: warn,
  });

  const notices: QueuePoller | undefined =
    options.noticeQueue && noticeSender
      ? startQueuePoller({
          sqs: options.sqs,
          queue: options.noticeQueue,
          name: 'notice-sender',
          handler: noticeSender.handler,
          autoStart,
          onRecord: (_record, outcome) => {
            if (outcome === 'failed')
              warn('notice: failed to send; it comes back after the visibility timeout');
            else log('notice: handled');
          },
          onError: warn,
        })
      : undefined;

  return {
    sweepNow: () => scheduler.runNow(),
    drainPurgeQueue: () => poller.drain(),
    drainNoticeQueue: () => notices?.drain() ?? Promise.resolve({ records: 0, failed: 0 }),
    stop: async () => {
      await scheduler.stop();
      await poller.stop();
      await notices?.stop();
    },
  };
};
