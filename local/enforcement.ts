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
import { plural } from '../cli/format.ts';
import type { DataMap, Profile } from '../functions/core/data-map.ts';
import { noticeKeyOfBody, PAST_DELETION_DATE } from '../functions/core/notices.ts';
import { purgeOrder } from '../functions/core/purge.ts';
import { accountsTable } from '../functions/core/resources.ts';
import type { CategoryRun } from '../functions/core/retention.ts';
import { subjectOf, tombstoneKey } from '../functions/core/subject.ts';
import type { SweepResult } from '../functions/enforcement/sweep.ts';
import { sqsEventOf } from './event-targets.ts';
import { lambdaContext } from './lambda-context.ts';
import {
  accountOfRecord,
  type BatchStats,
  describeRecord,
  type HandledBatch,
  type QueuePoller,
  type RecordOutcome,
  startQueuePoller,
} from './queue-poller.ts';
import type { LocalQueue } from './resources.ts';
import { type Scheduler, startScheduler } from './scheduler.ts';
import { type SesSimulation, simulatedKinds, simulatedSesEvent } from './ses-simulator.ts';

export interface EnforcementOptions {
  readonly sqs: SQSClient;
  readonly doc: DynamoDBDocumentClient;
  readonly map: DataMap;
  readonly purgeQueue: LocalQueue;
  /** The notice queue, consumed by the notice sender like the purge queue; absent: notices stay queued. */
  readonly noticeQueue?: LocalQueue;
  /** The host app's profiles: an account with one and no lifecycle record is ACTIVE. */
  readonly profiles?: { get(accountId: string): Promise<Profile | undefined> };
  /** The demo accounts: notice lines name them by id (a notice's key holds only the subject). */
  readonly demoIds?: readonly string[];
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
  /**
   * SES's events for each notice sent, as the mailbox simulator would make
   * them (local/ses-simulator.ts), fed to the real feedback handler. Absent:
   * none, as from aws-ses-v2-local.
   */
  readonly sesSimulation?: SesSimulation;
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
  const write = options.log ?? (() => undefined);
  const warn = options.warn ?? ((line: string) => console.error(line));
  /**
   * While a sweep runs, what the queue pollers report of the jobs it queued (a notice sent, a purge done)
   * waits for the sweep's own lines, so the log reads in order: "2 notices due", then "sent".
   */
  let held: string[] | undefined;
  const log = (line: string) => (held ? held.push(line) : write(line));
  const holdingLines = async <T>(work: () => Promise<T>): Promise<T> => {
    held ??= [];
    try {
      return await work();
    } finally {
      const lines = held ?? [];
      held = undefined;
      for (const line of lines) write(line);
    }
  };
  // Not imported at the top: the handlers build their logger and clients from env at first import.
  const withRetention = options.retention ?? true;
  const [sweeper, purgeWorker, noticeSender, retention, sesEvents] = await Promise.all([
    import('../functions/workers/sweeper.ts'),
    import('../functions/workers/purge-worker.ts'),
    options.noticeQueue ? import('../functions/workers/notice-sender.ts') : undefined,
    withRetention ? import('../functions/workers/retention-sweeper.ts') : undefined,
    options.noticeQueue && options.sesSimulation
      ? import('../functions/workers/notice-feedback.ts')
      : undefined,
  ]);
  const autoStart = options.autoStart ?? true;
  const stores = purgeOrder(map);

  /**
   * Where the account stands after a handled message: read back, since the handler answers only failures.
   * Whether this message purged it or found it purged is read from the tombstone, not this process's memory,
   * so a duplicate job still reads "already purged" after a restart with LETHE_DATA_DIR.
   */
  const stateOf = async (accountId: string, record: SQSRecord, batch: HandledBatch): Promise<string> => {
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
    if (tombstone)
      return purgedBy(record, batch, Date.parse(String(tombstone.purgedAt))) ? 'purged' : 'already purged';
    // A profile and no lifecycle record is an ACTIVE account (the spec), not an unknown one.
    return (await options.profiles?.get(accountId))
      ? 'nothing to purge (ACTIVE)'
      : 'nothing to purge (unknown account)';
  };

  /**
   * Whether this message's invocation is the one that purged: the tombstone's purgedAt falls within it (an
   * earlier purge finished before it began), and no earlier message of the same batch, for the same account,
   * takes the credit (duplicates in one batch run at once; one purge happened).
   */
  const purgedBy = (record: SQSRecord, batch: HandledBatch, purgedAt: number): boolean => {
    if (!(purgedAt >= batch.startedAt)) return false;
    const accountId = accountOfRecord(record);
    const first = batch.records.find(
      (other) => !batch.failed.has(other.messageId) && accountOfRecord(other) === accountId,
    );
    return first?.messageId === record.messageId;
  };

  const reportRecord = async (record: SQSRecord, outcome: RecordOutcome, batch: HandledBatch) => {
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
    if (!accountId) {
      // The worker sent it to the DLQ at once: it would read no better on a later delivery.
      warn(`purge ${who}: not a purge job; it went to the DLQ at once (${purgeQueue.dlqUrl})`);
      return;
    }
    try {
      const state = await stateOf(accountId, record, batch);
      log(`purge ${who}: ${state}`);
    } catch (error) {
      warn(
        `purge ${who}: done; its state could not be read (${error instanceof Error ? error.name : 'error'})`,
      );
    }
  };

  /** The sweep's lines, as soon as it is done: its purges may finish before a retention run does. */
  const reportSweep = (result: SweepResult & { noticesEnqueued: number }, ms: number) => {
    if (result.noticesEnqueued > 0) {
      write(`sweep: ${plural(result.noticesEnqueued, 'notice')} due, queued to send`);
    }
    if (result.claimed === 0 && result.complete) return;
    const rest = result.complete ? '' : '; more are due, left for the next sweep';
    write(`sweep: claimed ${result.claimed} of ${plural(result.read, 'due account')} (${ms} ms)${rest}`);
  };

  // The sweeper, then the retention sweeper: in AWS two functions on the same schedule.
  const sweepAndExpire = async (event: ScheduledEvent, context: Context): Promise<LocalSweepResult> => {
    const started = Date.now();
    const swept = await holdingLines(async () => {
      const result = await sweeper.handler(event, context);
      reportSweep(result, Date.now() - started);
      return result;
    });
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
          onRecord: async (record, outcome) => {
            const notice = noticeOf(record);
            const { kind, to } = notice;
            if (outcome === 'failed') {
              warn(`notice ${kind} to ${to}: failed to send; it comes back after the visibility timeout`);
              return;
            }
            // One read of the record serves the log line and SES's simulated answer.
            const { Item } = await doc.send(
              new GetCommand({
                TableName: accountsTable.localName,
                Key: { accountId: notice.key },
                ConsistentRead: true,
              }),
            );
            log(`notice ${kind} to ${to}: ${noticeStateOf(Item)}`);
            await simulateSes(notice, Item);
          },
          onError: warn,
        })
      : undefined;

  /** Demo accounts by subject: a notice's key names the subject, and the log names the demo id (never the address). */
  const demoBySubject = new Map((options.demoIds ?? []).map((id) => [subjectOf(subjectKey, id), id]));
  const noticeOf = (record: SQSRecord) => {
    const key = noticeKeyOfBody(record.body) ?? '';
    const [, subject = '', , kind = 'notice'] = key.split('#');
    const demoId = demoBySubject.get(subject);
    return { key, kind, demoId, to: demoId ?? 'an account outside the demo set' };
  };
  /** The notice record's state after the sender handled it, in words. */
  const noticeStateOf = (Item: Record<string, unknown> | undefined) => {
    const words: Record<string, string> = {
      SENT: 'sent',
      CANCELLED:
        Item?.detail === PAST_DELETION_DATE
          ? 'not sent (its deletion date had passed: the receipt will tell them)'
          : 'not sent (its deactivation is over)',
      HELD: 'held back (a legal hold is on)',
      FAILED: `not sent (${String(Item?.detail ?? 'failed')})`,
      UNCERTAIN: 'uncertain (a send with no answer)',
    };
    return Item ? (words[String(Item.state)] ?? String(Item.state).toLowerCase()) : 'nothing to send';
  };

  /** What SES would say about a notice just sent (a Delivery, or the configured bounce or complaint). */
  const simulateSes = async (
    { key, kind, to, demoId }: ReturnType<typeof noticeOf>,
    Item: Record<string, unknown> | undefined,
  ) => {
    const simulation = options.sesSimulation;
    if (!simulation || !sesEvents) return;
    if (Item?.state !== 'SENT' || typeof Item.messageId !== 'string') return;
    const sent = { messageId: Item.messageId, noticeKey: key, sentAt: String(Item.settledAt) };
    const kinds = simulatedKinds(demoId, simulation);
    const events = kinds.map((k) => JSON.stringify(simulatedSesEvent(k, sent, simulation, new Date())));
    const result = await sesEvents.handler(
      sqsEventOf(events, 'lethe-notice-feedback'),
      lambdaContext('notice-feedback', 30_000),
    );
    if ((result?.batchItemFailures ?? []).length > 0)
      warn(`notice ${kind} to ${to}: SES feedback not recorded`);
    const said = kinds.filter((k) => k !== 'delivery');
    if (said.length > 0)
      log(`notice ${kind} to ${to}: SES reports ${said.join(', ')} (no more notices to it)`);
  };

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
