/**
 * Bounces and complaints end to end against the stand-ins: the real sender
 * sends a notice to the SES stand-in and records its MessageId; SES's
 * documented event records (test/fixtures/ses), as EventBridge delivers them
 * through the feedback queue, reach the real feedback handler; the notice
 * and the account view show them, and a hard bounce stops the next notice.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, inject, it } from 'vitest';
import { DataMapPurger } from '../../functions/adapters/data-map-purger.ts';
import { AuditLog } from '../../functions/adapters/dynamo-audit.ts';
import { Outbox } from '../../functions/adapters/dynamo-outbox.ts';
import { DynamoProfileReader } from '../../functions/adapters/dynamo-profiles.ts';
import { DynamoPurgeState } from '../../functions/adapters/dynamo-purge-state.ts';
import { DynamoPurger } from '../../functions/adapters/dynamo-purger.ts';
import { S3Purger } from '../../functions/adapters/s3-purger.ts';
import { noticeKey, receiptNoticeKey } from '../../functions/core/notices.ts';
import { startPurge } from '../../functions/core/purge.ts';
import { accountsTable, auditTable, outboxTable } from '../../functions/core/resources.ts';
import { subjectOf } from '../../functions/core/subject.ts';
import { purgeAccount } from '../../functions/enforcement/purge.ts';
import { config } from '../../lethe.config.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/app.ts';
import { lambdaContext, sqsEvent } from '../support/events.ts';
import { type SesFixture, sesEventFor, transient } from '../support/ses-events.ts';
import { call, doc, newAccount, readRecord, tokenFor } from './support.ts';

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

  it('carries a hard bounce onto the deletion receipt, which is then not sent to that address', async () => {
    // Arrange: a hard bounce, then the purge (claimed as a sweep would once purgeAfter has passed)
    const sent = await sentNotice();
    await deliver(event('bounce.eventbridge', sent));
    const { purgeAfter } = (await readRecord(sent.accountId)) as { purgeAfter: string };
    const after = new Date(Date.parse(purgeAfter) + 1000).toISOString();
    const audit = new AuditLog(doc, auditTable.localName, subjectKey, 86_400_000);
    const claims = new DynamoPurgeState(
      doc,
      accountsTable.localName,
      audit,
      new Outbox(outboxTable.localName),
    );
    expect(await claims.claim(sent.accountId, after, after, startPurge(after, purgeAfter))).toBe(true);
    const ddb = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: inject('dynamodbEndpoint'),
    });
    const s3 = new S3Client({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: inject('s3Endpoint'),
    });
    // Only the profile store: what the receipt's address is read from, and purged last.
    const map = {
      ...config.dataMap,
      stores: config.dataMap.stores.filter((s) => s.name === config.dataMap.profile.store),
    };
    const { outcome } = await purgeAccount(
      {
        map,
        claims,
        purger: new DataMapPurger(new DynamoPurger(ddb), new S3Purger(s3)),
        processors: { requestDeletion: async () => undefined },
        profiles: new DynamoProfileReader(doc, map),
        queue: { send: async () => undefined },
        now: () => new Date(),
        remainingMs: () => 60_000,
      },
      sent.accountId,
      { reserveMs: 1000, leaseMs: 900_000, backupWindowMs: 86_400_000 },
    );
    ddb.destroy();
    s3.destroy();
    expect(outcome).toBe('purged');
    const receiptKey = receiptNoticeKey(subjectOf(subjectKey, sent.accountId));
    // Act
    await send(receiptKey);
    // Assert: the receipt's notice knew the address's digest, and nothing more went to it
    expect(await readRecord(receiptKey)).toMatchObject({ state: 'FAILED', detail: 'suppressed' });
    expect(await readRecord(receiptKey)).not.toHaveProperty('profile');
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
