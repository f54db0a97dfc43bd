/**
 * Bounces and complaints end to end against the stand-ins: the real sender
 * sends a notice to the SES stand-in and records its MessageId; SES's
 * documented event records (test/fixtures/ses), as EventBridge delivers them
 * through the feedback queue, reach the real feedback handler; the notice
 * and the account view show them, and a hard bounce stops the next notice.
 */
import { describe, expect, inject, it } from 'vitest';
import { noticeKey } from '../../functions/core/notices.ts';
import { subjectOf } from '../../functions/core/subject.ts';
import { lambdaContext, sqsEvent } from '../support/events.ts';
import { type SesFixture, sesEventFor, transient } from '../support/ses-events.ts';
import { call, newAccount, readRecord, tokenFor } from './support.ts';

const environment = inject('handlerEnvironment');
Object.assign(process.env, environment);
const sender = await import('../../functions/workers/notice-sender.ts');
const feedback = await import('../../functions/workers/notice-feedback.ts');
const subjectKey = environment.LETHE_SUBJECT_KEY ?? '';

type Batch = { batchItemFailures: unknown[] };
const send = (key: string) =>
  sender.handler(
    sqsEvent([JSON.stringify({ noticeKey: key })], 'lethe-notices'),
    lambdaContext as never,
  ) as Promise<Batch>;
const deliver = (...events: Record<string, unknown>[]) =>
  feedback.handler(
    sqsEvent(
      events.map((event) => JSON.stringify(event)),
      'lethe-notice-feedback',
    ),
    lambdaContext as never,
  ) as Promise<Batch>;

const mailsTo = async (address: string) => {
  const response = await fetch(`${environment.AWS_ENDPOINT_URL_SESV2}/store`);
  const { emails } = (await response.json()) as { emails: { destination: { to: string[] } }[] };
  return emails.filter((m) => m.destination.to.includes(address));
};

/** A deactivated account whose deactivation notice SES accepted: its record, key and MessageId. */
const sentNotice = async () => {
  const accountId = await newAccount('feedback');
  const { deactivatedAt } = (
    await call(`/v1/accounts/${accountId}/deactivate`, { method: 'POST', token: await tokenFor(accountId) })
  ).json as { deactivatedAt: string };
  const subject = subjectOf(subjectKey, accountId);
  const key = noticeKey(subject, deactivatedAt, 'deactivated');
  expect((await send(key)).batchItemFailures).toEqual([]);
  const messageId = String((await readRecord(key))?.messageId);
  return { accountId, key, messageId, reminder: noticeKey(subject, deactivatedAt, 'reminder-P7D') };
};

const event = (
  name: SesFixture,
  sent: { key: string; messageId: string },
  change?: (r: Record<string, unknown>) => void,
) => sesEventFor(name, { messageId: sent.messageId, noticeKey: sent.key }, change);

const viewOf = async (accountId: string, operator: boolean) =>
  (
    await call(`/v1/accounts/${accountId}`, {
      token: await tokenFor(operator ? 'ops-feedback' : accountId, { admin: operator }),
    })
  ).json as { notices: Record<string, unknown>[]; noticeSuppression?: unknown };

describe('bounces and complaints', () => {
  it('marks a hard bounce BOUNCED, shows it to operators, and never mails that address again', async () => {
    // Arrange
    const sent = await sentNotice();
    // Act: SES's Permanent bounce, delivered twice as at-least-once delivery may
    const results = [
      await deliver(event('bounce.eventbridge', sent)),
      await deliver(event('bounce.eventbridge', sent)),
    ];
    // Assert: recorded once, on the notice and the account
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect(await readRecord(sent.key)).toMatchObject({
      state: 'BOUNCED',
      bouncedAt: '2017-08-05T00:41:02.669Z',
      bounceType: 'Permanent',
    });
    const operator = await viewOf(sent.accountId, true);
    expect(operator.notices).toEqual([
      {
        kind: 'deactivated',
        sentAt: expect.any(String),
        bouncedAt: '2017-08-05T00:41:02.669Z',
        bounceType: 'Permanent',
      },
    ]);
    expect(operator.noticeSuppression).toEqual({ reason: 'bounced', at: '2017-08-05T00:41:02.669Z' });
    const owner = await viewOf(sent.accountId, false);
    expect(owner.notices).toEqual([{ kind: 'deactivated', sentAt: expect.any(String) }]);
    expect(owner).not.toHaveProperty('noticeSuppression');
    expect(JSON.stringify(await readRecord(sent.accountId))).not.toContain('@example.com');
    // Act: the week's reminder comes due
    expect((await send(sent.reminder)).batchItemFailures).toEqual([]);
    // Assert: not sent, and why
    expect(await readRecord(sent.reminder)).toMatchObject({ state: 'FAILED', detail: 'suppressed' });
    expect(await mailsTo(`${sent.accountId}@example.com`)).toHaveLength(1);
  });

  it('records a transient bounce and still sends the next notice', async () => {
    // Arrange
    const sent = await sentNotice();
    // Act
    await deliver(event('bounce.eventbridge', sent, transient));
    await send(sent.reminder);
    // Assert
    expect(await readRecord(sent.key)).toMatchObject({ state: 'BOUNCED', bounceType: 'Transient' });
    expect((await viewOf(sent.accountId, true)).noticeSuppression).toBeUndefined();
    expect(await readRecord(sent.reminder)).toMatchObject({ state: 'SENT' });
    expect(await mailsTo(`${sent.accountId}@example.com`)).toHaveLength(2);
  });

  it('records a delivery, then a complaint (from SNS too), which stops later notices', async () => {
    // Arrange
    const sent = await sentNotice();
    // Act
    await deliver(event('delivery.eventbridge', sent), event('complaint.sns', sent));
    // Assert
    expect(await readRecord(sent.key)).toMatchObject({
      state: 'COMPLAINED',
      deliveredAt: '2016-10-19T23:21:04.133Z',
      complainedAt: '2017-08-05T00:41:02.669Z',
    });
    expect((await viewOf(sent.accountId, true)).notices[0]).toMatchObject({
      deliveredAt: '2016-10-19T23:21:04.133Z',
      complainedAt: '2017-08-05T00:41:02.669Z',
    });
    expect((await viewOf(sent.accountId, true)).noticeSuppression).toMatchObject({ reason: 'complained' });
  });

  it('drops events for unknown messages and shapes it does not read, without a retry', async () => {
    // Arrange
    const sent = await sentNotice();
    const unknown = sesEventFor('bounce.eventbridge', { messageId: 'not-ours', noticeKey: sent.key });
    const untagged = sesEventFor('bounce.eventbridge', { messageId: sent.messageId });
    // Act
    const result = await deliver(unknown, untagged, { source: 'aws.ses', detail: { eventType: 'Open' } });
    // Assert
    expect(result.batchItemFailures).toEqual([]);
    expect(await readRecord(sent.key)).toMatchObject({ state: 'SENT' });
    expect((await viewOf(sent.accountId, true)).notices).toEqual([
      { kind: 'deactivated', sentAt: expect.any(String) },
    ]);
  });
});
