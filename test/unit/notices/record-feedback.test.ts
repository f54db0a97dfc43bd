import { beforeEach, describe, expect, it } from 'vitest';
import type { Dimensions, MetricKey } from '../../../functions/core/metrics.ts';
import type { NoticeSuppression } from '../../../functions/core/notices.ts';
import { feedbackOf, type NoticeFeedback } from '../../../functions/core/ses-feedback.ts';
import type { FeedbackStore, NoticeRecord } from '../../../functions/notices/ports.ts';
import { recordFeedback } from '../../../functions/notices/record-feedback.ts';
import { type SesFixture, sesEventFor, transient } from '../../support/ses-events.ts';

const KEY = 'notice#subj#2026-11-24T10:00:00.000Z#deactivated';
const MESSAGE_ID = '0100019aexample-000000';

/** Feedback records with the adapter's conditional semantics: once per kind, only for its own message. */
class FakeFeedback implements FeedbackStore {
  readonly records = new Map<string, NoticeRecord>();
  readonly suppressions: NoticeSuppression[] = [];
  async get(key: string) {
    return this.records.get(key);
  }
  async recordFeedback(record: NoticeRecord, feedback: NoticeFeedback, suppression?: NoticeSuppression) {
    const field = { delivery: 'deliveredAt', bounce: 'bouncedAt', complaint: 'complainedAt' }[feedback.kind];
    const current = this.records.get(record.key) as (NoticeRecord & Record<string, unknown>) | undefined;
    if (current?.messageId !== feedback.messageId || current[field] !== undefined) return false;
    const state = { delivery: current.state, bounce: 'BOUNCED', complaint: 'COMPLAINED' }[feedback.kind];
    this.records.set(record.key, { ...current, [field]: feedback.at, state } as NoticeRecord);
    if (suppression) this.suppressions.push(suppression);
    return true;
  }
}

describe('recordFeedback', () => {
  let store: FakeFeedback;
  let counted: { metric: MetricKey; dimensions?: Dimensions }[];
  const deps = () => ({
    notices: store,
    metrics: {
      record: (metric: MetricKey, _v?: number, dimensions?: Dimensions) =>
        counted.push({ metric, dimensions }),
    },
  });
  const event = (name: SesFixture, change?: (record: Record<string, unknown>) => void) =>
    feedbackOf(sesEventFor(name, { messageId: MESSAGE_ID, noticeKey: KEY }, change)) as NoticeFeedback;

  beforeEach(() => {
    // Arrange: a deactivation notice SES accepted
    store = new FakeFeedback();
    counted = [];
    store.records.set(KEY, {
      key: KEY,
      kind: 'deactivated',
      state: 'SENT',
      deactivatedAt: '2026-11-24T10:00:00.000Z',
      target: 'u1',
      messageId: MESSAGE_ID,
      address: 'digest-of-u1',
    });
  });

  it('marks a hard bounce BOUNCED, stops the address and counts it once by kind', async () => {
    // Act: SES (and EventBridge) deliver at least once
    const outcomes = [
      await recordFeedback(deps(), event('bounce.eventbridge')),
      await recordFeedback(deps(), event('bounce.eventbridge')),
    ];
    // Assert
    expect(outcomes).toEqual(['recorded', 'duplicate']);
    expect(store.records.get(KEY)).toMatchObject({ state: 'BOUNCED', bouncedAt: '2017-08-05T00:41:02.669Z' });
    expect(store.suppressions).toEqual([
      { reason: 'bounced', at: '2017-08-05T00:41:02.669Z', address: 'digest-of-u1' },
    ]);
    expect(counted).toEqual([{ metric: 'noticesBounced', dimensions: { kind: 'deactivated' } }]);
  });

  it('marks a transient bounce without stopping later notices', async () => {
    // Act
    const outcome = await recordFeedback(deps(), event('bounce.eventbridge', transient));
    // Assert
    expect(outcome).toBe('recorded');
    expect(store.records.get(KEY)?.state).toBe('BOUNCED');
    expect(store.suppressions).toEqual([]);
  });

  it('marks a complaint COMPLAINED and stops the address; a delivery is only counted', async () => {
    // Act
    const delivered = await recordFeedback(deps(), event('delivery.eventbridge'));
    const complained = await recordFeedback(deps(), event('complaint.eventbridge'));
    // Assert
    expect([delivered, complained]).toEqual(['recorded', 'recorded']);
    expect(store.records.get(KEY)).toMatchObject({
      state: 'COMPLAINED',
      deliveredAt: '2016-10-19T23:21:04.133Z',
      complainedAt: '2017-08-05T00:41:02.669Z',
    });
    expect(store.suppressions.map((s) => s.reason)).toEqual(['complained']);
    expect(counted.map((c) => c.metric)).toEqual(['noticesDelivered', 'noticesComplained']);
  });

  it('drops an event for a message Lethe did not send: no record, another MessageId, or no tag', async () => {
    // Arrange
    const other = feedbackOf(
      sesEventFor('bounce.eventbridge', { messageId: 'another-message', noticeKey: KEY }),
    ) as NoticeFeedback;
    const gone = feedbackOf(
      sesEventFor('bounce.eventbridge', { messageId: MESSAGE_ID, noticeKey: `${KEY}x` }),
    ) as NoticeFeedback;
    const untagged = feedbackOf(
      sesEventFor('bounce.eventbridge', { messageId: MESSAGE_ID }),
    ) as NoticeFeedback;
    // Act
    const outcomes = [
      await recordFeedback(deps(), other),
      await recordFeedback(deps(), gone),
      await recordFeedback(deps(), untagged),
    ];
    // Assert
    expect(outcomes).toEqual(['unknown', 'unknown', 'unknown']);
    expect(store.records.get(KEY)?.state).toBe('SENT');
    expect(counted).toEqual([]);
  });
});
