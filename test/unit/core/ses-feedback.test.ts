import { describe, expect, it } from 'vitest';
import { NOTICE_TAG } from '../../../functions/core/notices.ts';
import { feedbackOf, suppressionOf } from '../../../functions/core/ses-feedback.ts';
import { sesEventFor, sesFixture, transient } from '../../support/ses-events.ts';

const KEY = 'notice#subj#2026-11-24T10:00:00.000Z#reminder-P7D';
const SENT = { messageId: '0100019aexample-000000', noticeKey: KEY };

describe('feedbackOf (SES event records)', () => {
  it('reads a Permanent bounce from the EventBridge event, without any address', () => {
    // Act
    const feedback = feedbackOf(sesEventFor('bounce.eventbridge', SENT));
    // Assert
    expect(feedback).toEqual({
      kind: 'bounce',
      messageId: SENT.messageId,
      noticeKey: KEY,
      at: '2017-08-05T00:41:02.669Z',
      bounceType: 'Permanent',
      bounceSubType: 'General',
    });
    expect(JSON.stringify(feedback)).not.toContain('@example.com');
    expect(suppressionOf(feedback as NonNullable<typeof feedback>)).toBe('bounced');
  });

  it('reads a transient bounce, which stops nothing', () => {
    // Act
    const feedback = feedbackOf(sesEventFor('bounce.eventbridge', SENT, transient));
    // Assert
    expect(feedback).toMatchObject({ kind: 'bounce', bounceType: 'Transient', bounceSubType: 'MailboxFull' });
    expect(suppressionOf(feedback as NonNullable<typeof feedback>)).toBeUndefined();
  });

  it('reads a complaint from EventBridge and from an SNS notification alike', () => {
    // Act
    const fromBus = feedbackOf(sesEventFor('complaint.eventbridge', SENT));
    const fromSns = feedbackOf(sesEventFor('complaint.sns', SENT));
    // Assert
    expect(fromBus).toEqual({
      kind: 'complaint',
      messageId: SENT.messageId,
      noticeKey: KEY,
      at: '2017-08-05T00:41:02.669Z',
      feedbackType: 'abuse',
    });
    expect(fromSns).toEqual(fromBus);
    expect(suppressionOf(fromBus as NonNullable<typeof fromBus>)).toBe('complained');
  });

  it('reads a delivery at its delivery time', () => {
    // Act
    const feedback = feedbackOf(sesEventFor('delivery.eventbridge', SENT));
    // Assert
    expect(feedback).toEqual({
      kind: 'delivery',
      messageId: SENT.messageId,
      noticeKey: KEY,
      at: '2016-10-19T23:21:04.133Z',
    });
  });

  it('leaves out a tag that does not name a notice record, and anything that is no feedback', () => {
    // Arrange: the documented event with no Lethe tag, a forged tag, and other shapes
    const untagged = sesFixture('bounce.eventbridge');
    const forged = sesEventFor('bounce.eventbridge', { messageId: 'm' }, (record) => {
      (record.mail as { tags: Record<string, string[]> }).tags[NOTICE_TAG] = ['bm90LWEta2V5'];
    });
    // Act + Assert
    expect(feedbackOf(untagged)).toMatchObject({ kind: 'bounce' });
    expect(feedbackOf(untagged)).not.toHaveProperty('noticeKey');
    expect(feedbackOf(forged)).not.toHaveProperty('noticeKey');
    expect(feedbackOf({ source: 'aws.ses', detail: { eventType: 'Open', mail: { messageId: 'm' } } })).toBe(
      undefined,
    );
    expect(feedbackOf({ eventType: 'Bounce', mail: {} })).toBeUndefined();
    expect(feedbackOf({ Type: 'Notification', Message: 'not json' })).toBeUndefined();
    expect(feedbackOf('text')).toBeUndefined();
    expect(feedbackOf(null)).toBeUndefined();
  });
});
