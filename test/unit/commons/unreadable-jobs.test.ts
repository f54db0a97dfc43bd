import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readJob } from '../../../functions/commons/unreadable-jobs.ts';
import { exportJobOfBody, type JobDeadLetters, purgeJobOfBody } from '../../../functions/core/jobs.ts';
import { noticeKeyOfBody } from '../../../functions/core/notices.ts';

const ACCOUNT = 'user-1';
const recordOf = (body: string) => ({ messageId: 'm-1', body }) as SQSRecord;

class FakeDeadLetters implements JobDeadLetters {
  readonly sent: { body: string; reason: string }[] = [];
  constructor(private readonly failWith?: Error) {}
  async send(body: string, reason: string) {
    if (this.failWith) throw this.failWith;
    this.sent.push({ body, reason });
  }
}

describe('the job bodies', () => {
  it.each([
    ['a purge job', purgeJobOfBody, JSON.stringify({ accountId: ACCOUNT }), { accountId: ACCOUNT }],
    [
      'an export job',
      exportJobOfBody,
      JSON.stringify({ accountId: ACCOUNT, exportId: '0mh2k3x4a-0123456789ab' }),
      { accountId: ACCOUNT, exportId: '0mh2k3x4a-0123456789ab' },
    ],
  ] as const)('read %s', (_what, parse, body, job) => {
    expect(parse(body)).toEqual(job);
  });

  it.each([
    'not json at all',
    'null',
    '42',
    '"user-1"',
    '{}',
    '{"accountId":"not a valid id!"}',
    '{"accountId":7}',
  ])('read nothing from %j', (body) => {
    expect(purgeJobOfBody(body)).toBeUndefined();
    expect(exportJobOfBody(body)).toBeUndefined();
    expect(noticeKeyOfBody(body)).toBeUndefined();
  });

  it('read no export job without a valid export id', () => {
    expect(exportJobOfBody(JSON.stringify({ accountId: ACCOUNT, exportId: '../x' }))).toBeUndefined();
  });
});

describe('readJob', () => {
  it('returns the job of a readable body and sends nothing to the DLQ', async () => {
    // Arrange
    const dlq = new FakeDeadLetters();

    // Act
    const job = await readJob(
      recordOf(JSON.stringify({ accountId: ACCOUNT })),
      purgeJobOfBody,
      dlq,
      'purge job',
    );

    // Assert
    expect(job).toEqual({ accountId: ACCOUNT });
    expect(dlq.sent).toEqual([]);
  });

  it('sends an unreadable body to the DLQ whole, with a reason that does not quote it, and answers undefined', async () => {
    // Arrange
    const dlq = new FakeDeadLetters();
    const body = '{"accountId":"user-1", oops';

    // Act
    const job = await readJob(recordOf(body), purgeJobOfBody, dlq, 'not a purge job');

    // Assert: handled (no retry), and the body kept as it was
    expect(job).toBeUndefined();
    expect(dlq.sent).toEqual([{ body, reason: 'not a purge job' }]);
  });

  it('throws when the DLQ refuses, so the record is reported failed and SQS keeps it', async () => {
    // Arrange
    const dlq = new FakeDeadLetters(new Error('AccessDenied'));

    // Act / Assert
    await expect(readJob(recordOf('not json'), purgeJobOfBody, dlq, 'not a purge job')).rejects.toThrow(
      'AccessDenied',
    );
  });
});
