/**
 * SES's later word on a sent notice (P6): delivered, bounced, complained
 * about. The event's `lethe-notice` tag names the notice record; the record
 * counts only if the MessageId SendEmail returned for it is the event's. A
 * Permanent bounce or a complaint also stops every later notice to that
 * address (the sender compares digests; SES's suppression list does the same
 * on its side). Nothing here is retried into a loop: an event for a message
 * Lethe does not know is dropped.
 */
import { type MetricKey, type Metrics, noMetrics } from '../core/metrics.ts';
import { templateKindOf } from '../core/notices.ts';
import { type NoticeFeedback, suppressionOf } from '../core/ses-feedback.ts';
import type { FeedbackStore } from './ports.ts';

export interface RecordFeedbackDeps {
  readonly notices: FeedbackStore;
  readonly metrics?: Metrics;
}

/** `unknown`: no notice record sent this message (purged since, restored since, or not Lethe's). */
export type FeedbackOutcome = 'recorded' | 'duplicate' | 'unknown';

const METRIC: Record<NoticeFeedback['kind'], MetricKey> = {
  delivery: 'noticesDelivered',
  bounce: 'noticesBounced',
  complaint: 'noticesComplained',
};

export const recordFeedback = async (
  deps: RecordFeedbackDeps,
  feedback: NoticeFeedback,
): Promise<FeedbackOutcome> => {
  // 1. The record the tag names, if it sent this very message.
  const record = feedback.noticeKey ? await deps.notices.get(feedback.noticeKey) : undefined;
  if (!record?.messageId || record.messageId !== feedback.messageId) return 'unknown';
  // 2. A hard bounce or a complaint: the address the notice went to gets no more.
  const reason = suppressionOf(feedback);
  const suppression =
    reason && record.address ? { reason, at: feedback.at, address: record.address } : undefined;
  // 3. One conditional write: a repeated event changes nothing and counts nothing.
  if (!(await deps.notices.recordFeedback(record, feedback, suppression))) return 'duplicate';
  (deps.metrics ?? noMetrics).record(METRIC[feedback.kind], 1, { kind: templateKindOf(record.kind) });
  return 'recorded';
};
