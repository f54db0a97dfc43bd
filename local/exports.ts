/**
 * The export worker as AWS runs it: fed by the export queue, one message at a
 * time. The handler is the real one, imported only here, after the caller has
 * set the environment it reads at cold start. One line per export handled,
 * keyed by the masked account id (I7).
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import {
  accountOfRecord,
  type BatchStats,
  describeRecord,
  type RecordOutcome,
  startQueuePoller,
} from './queue-poller.ts';
import type { LocalQueue } from './resources.ts';

export interface ExportWorkerOptions {
  readonly sqs: SQSClient;
  readonly exportQueue: LocalQueue;
  /** False: nothing is received until `drain()` (tests). @default true */
  readonly autoStart?: boolean;
  readonly log?: (line: string) => void;
  readonly warn?: (line: string) => void;
}

export interface ExportWorker {
  /** Handles export messages until the queue has no visible message left. */
  drain(): Promise<BatchStats>;
  stop(): Promise<void>;
}

export const startExportWorker = async (options: ExportWorkerOptions): Promise<ExportWorker> => {
  const log = options.log ?? (() => undefined);
  const warn = options.warn ?? ((line: string) => console.error(line));
  const worker = await import('../functions/workers/export-worker.ts');
  const report = (record: SQSRecord, outcome: RecordOutcome) => {
    const who = describeRecord(accountOfRecord(record));
    if (outcome === 'failed') {
      const delivery = Number(record.attributes.ApproximateReceiveCount);
      warn(
        `export ${who}: failed on delivery ${delivery} of ${options.exportQueue.definition.maxReceiveCount}`,
      );
      return;
    }
    log(`export ${who}: done`);
  };
  const poller = startQueuePoller({
    sqs: options.sqs,
    queue: options.exportQueue,
    name: 'export-worker',
    handler: worker.handler,
    autoStart: options.autoStart ?? true,
    onRecord: report,
    onError: warn,
  });
  return { drain: () => poller.drain(), stop: () => poller.stop() };
};
