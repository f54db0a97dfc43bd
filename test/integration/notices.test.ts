/**
 * Notices end to end against the stand-ins: a deactivation records its
 * notices, the sender sends each once (I4) to the SES stand-in in the
 * profile's language, the link in the mail works, and a restore ends the
 * series. The sender runs here as Lambda runs it, on SQS events.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { profileStore } from '../../functions/core/data-map.ts';
import { noticeKey } from '../../functions/core/notices.ts';
import { subjectOf } from '../../functions/core/subject.ts';
import { config } from '../../lethe.config.ts';
import { lambdaContext, sqsEvent } from '../support/events.ts';
import { call, doc, newAccount, readRecord, tokenFor } from './support.ts';

const environment = inject('handlerEnvironment');
Object.assign(process.env, environment);
const { handler } = await import('../../functions/workers/notice-sender.ts');
const { sendNoticeDeps } = await import('../../functions/workers/notice-deps.ts');
const { sendNotice } = await import('../../functions/notices/send-notice.ts');
const subjectKey = environment.LETHE_SUBJECT_KEY ?? '';

const send = (keys: readonly string[]) =>
  handler(
    sqsEvent(
      keys.map((key) => JSON.stringify({ noticeKey: key })),
      'lethe-notices',
    ),
    lambdaContext as never,
  ) as Promise<{ batchItemFailures: unknown[] }>;

const mailTo = async (address: string) => {
  const response = await fetch(`${environment.AWS_ENDPOINT_URL_SESV2}/store`);
  const { emails } = (await response.json()) as {
    emails: { destination: { to: string[] }; subject: string; body: { text: string; html: string } }[];
  };
  return emails.filter((m) => m.destination.to.includes(address));
};

const germanAccount = async () => {
  const accountId = await newAccount('notice');
  const store = profileStore(config.dataMap);
  await doc.send(
    new PutCommand({
      TableName: store.table,
      Item: {
        [store.key.partitionKey]: accountId,
        email: `${accountId}@example.com`,
        name: 'Grete',
        locale: 'de-DE',
        timeZone: 'Europe/Berlin',
      },
    }),
  );
  return accountId;
};

const deactivate = async (accountId: string) =>
  (await call(`/v1/accounts/${accountId}/deactivate`, { method: 'POST', token: await tokenFor(accountId) }))
    .json as { deactivatedAt: string; purgeAfter: string };

describe('notices', () => {
  it('records the deactivated notice and both reminders in the deactivation write', async () => {
    // Arrange
    const accountId = await newAccount('notice');
    // Act
    const { deactivatedAt, purgeAfter } = await deactivate(accountId);
    // Assert
    const subject = subjectOf(subjectKey, accountId);
    const deactivated = await readRecord(noticeKey(subject, deactivatedAt, 'deactivated'));
    const week = await readRecord(noticeKey(subject, deactivatedAt, 'reminder-P7D'));
    expect(deactivated).toMatchObject({ state: 'PENDING', noticeDueAt: deactivatedAt });
    expect(week).toMatchObject({
      state: 'PENDING',
      noticeDueAt: new Date(Date.parse(purgeAfter) - 7 * 86_400_000).toISOString(),
    });
  });

  it('sends the deactivated notice once, in German, with a restore link that works', async () => {
    // Arrange
    const accountId = await germanAccount();
    const { deactivatedAt } = await deactivate(accountId);
    const key = noticeKey(subjectOf(subjectKey, accountId), deactivatedAt, 'deactivated');
    // Act: the same notice delivered three times, two of them in one batch
    await send([key, key]);
    await send([key]);
    // Assert
    const mails = await mailTo(`${accountId}@example.com`);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.subject).toMatch(/^Ihr Lethe Demo-Konto wird am \d{1,2}\. \w+ \d{4} gelöscht$/);
    expect(mail?.body.text).toContain('Hallo Grete');
    const link = /href="([^"]+\/restore\?token=[^"]+)"/.exec(mail?.body.html ?? '')?.[1];
    expect(link).toBeDefined();
    expect(mail?.body.text).toContain(link?.replaceAll('&amp;', '&'));
    const page = await fetch(link?.replaceAll('&amp;', '&') ?? '');
    expect(page.status).toBe(200);
    expect((await readRecord(accountId))?.status).toBe('DEACTIVATED');
    // Assert: settled with SES's MessageId (SES's events name it), and shown in the view
    expect(await readRecord(key)).toMatchObject({ state: 'SENT', messageId: expect.any(String) });
    const view = await call(`/v1/accounts/${accountId}`, { token: await tokenFor(accountId) });
    expect(view.json.notices).toEqual([{ kind: 'deactivated', sentAt: expect.any(String) }]);
  });

  it('sends once when deliveries of the same notice race (I4)', async () => {
    // Arrange
    const accountId = await newAccount('notice');
    const { deactivatedAt } = await deactivate(accountId);
    const key = noticeKey(subjectOf(subjectKey, accountId), deactivatedAt, 'deactivated');
    // Act: five concurrent deliveries (as separate Lambda containers would run them)
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => sendNotice(sendNoticeDeps, key)));
    // Assert
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'sent')).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(await mailTo(`${accountId}@example.com`)).toHaveLength(1);
    expect(await readRecord(key)).toMatchObject({ state: 'SENT' });
  });

  it('sends no reminder after a restore', async () => {
    // Arrange
    const accountId = await newAccount('notice');
    const { deactivatedAt } = await deactivate(accountId);
    await call(`/v1/accounts/${accountId}/restore`, { method: 'POST', token: await tokenFor(accountId) });
    const key = noticeKey(subjectOf(subjectKey, accountId), deactivatedAt, 'reminder-P1D');
    // Act
    const result = await send([key]);
    // Assert
    expect(result.batchItemFailures).toEqual([]);
    expect(await mailTo(`${accountId}@example.com`)).toEqual([]);
    expect(await readRecord(key)).toBeUndefined();
  });
});
