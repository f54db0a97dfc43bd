/**
 * SES's events for sent notices (delivery, bounce, complaint): the
 * configuration set publishes them to EventBridge's default bus, a rule
 * sends Lethe's own (by the configuration set's name) to a queue, and this
 * handler records each (functions/notices/record-feedback.ts). What it cannot
 * use (another event type, a malformed body, a message Lethe does not know) is logged
 * without any address and dropped: only a failing write is retried, then
 * lands in the DLQ.
 */
import { DynamoNotices } from '../adapters/dynamo-notices.ts';
import { dynamo } from '../commons/clients.ts';
import { requireEnv } from '../commons/env.ts';
import { logger } from '../commons/logger.ts';
import { metrics } from '../commons/metrics.ts';
import { outbox } from '../commons/outbox.ts';
import { accountsTable } from '../core/resources.ts';
import { feedbackOf, type NoticeFeedback } from '../core/ses-feedback.ts';
import { type RecordFeedbackDeps, recordFeedback } from '../notices/record-feedback.ts';
import { sqsWorker } from './sqs-worker.ts';

const deps: RecordFeedbackDeps = {
  notices: new DynamoNotices(dynamo, requireEnv(accountsTable.env), outbox),
  metrics,
};

/** The feedback an SQS message carries, or undefined for one Lethe does not read. */
export const feedbackOfBody = (body: string): NoticeFeedback | undefined => {
  try {
    return feedbackOf(JSON.parse(body));
  } catch {
    return undefined;
  }
};

export const handler = sqsWorker(
  (record) => {
    const feedback = feedbackOfBody(record.body);
    if (!feedback) {
      logger.warn('SES event dropped: not a delivery, bounce or complaint', {
        sqsMessageId: record.messageId,
      });
    }
    return feedback;
  },
  async (feedback) => {
    const outcome = await recordFeedback(deps, feedback);
    const fields = {
      event: feedback.kind,
      ...(feedback.kind === 'bounce' && { bounceType: feedback.bounceType }),
      sesMessageId: feedback.messageId,
      outcome,
    };
    if (outcome === 'unknown') logger.warn('SES event for a message Lethe did not send, dropped', fields);
    else logger.info('SES event recorded', fields);
  },
);
