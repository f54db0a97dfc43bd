/**
 * The export worker: one SQS message is one export. A failure leaves the
 * message for a retry; on its last delivery the export is marked FAILED
 * (freeing the account's pending slot) and the message still goes to the
 * DLQ, which raises the alarm.
 */
import { logger, maskId } from '../commons/logger.ts';
import { readJob } from '../commons/unreadable-jobs.ts';
import { exportJobOfBody } from '../core/jobs.ts';
import { exportQueue } from '../core/resources.ts';
import { exportAccount } from '../export/export-account.ts';
import { exportDeadLetters, exportDeps } from './export-worker-deps.ts';
import { sqsWorker } from './sqs-worker.ts';

export const handler = sqsWorker(
  // A body that can never be read goes to the DLQ at once, not after three deliveries 90 minutes apart.
  (record) => readJob(record, exportJobOfBody, exportDeadLetters, 'not an export job'),
  async (job, record) => {
    const started = Date.now();
    try {
      const { outcome, counts, bytes } = await exportAccount(exportDeps, job);
      logger.info('Export step', {
        account: maskId(job.accountId),
        outcome,
        items: counts.reduce((sum, c) => sum + c.items, 0),
        bytes,
        ms: Date.now() - started,
      });
    } catch (error) {
      const delivery = Number(record.attributes.ApproximateReceiveCount);
      if (delivery >= exportQueue.maxReceiveCount) {
        await exportDeps.exports.markFailed(
          job.accountId,
          job.exportId,
          new Date().toISOString(),
          'export_failed',
        );
      }
      logger.error('Export failed', {
        account: maskId(job.accountId),
        delivery,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      throw error;
    }
  },
);
