import { beforeEach, describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../../functions/core/lifecycle.ts';
import {
  addressDigest,
  addressKeyFrom,
  NOTICE_SENDING_TIMEOUT_MS,
  NOTICE_TAG,
  noticeKeyOfTag,
} from '../../../functions/core/notices.ts';
import { restoreKeyFrom, verifyRestoreToken } from '../../../functions/core/restore-token.ts';
import {
  type Mail,
  MailNotSent,
  MailRejected,
  type NoticeJob,
  type NoticeRecord,
  type NoticeStore,
  type SentMail,
  type Settled,
} from '../../../functions/notices/ports.ts';
import { scheduleNotices } from '../../../functions/notices/schedule-notices.ts';
import { type SendNoticeDeps, sendNotice } from '../../../functions/notices/send-notice.ts';

const KEY = 'notice#subj#2026-11-24T10:00:00.000Z#deactivated';
const key = restoreKeyFrom('unit');
const ADDRESS_KEY = addressKeyFrom('unit');

/** Notice records with the adapter's conditional semantics. */
class FakeNotices implements NoticeStore {
  readonly records = new Map<string, NoticeRecord & Record<string, unknown>>();
  readonly sent: { accountId: string; kind: string; messageId: string }[] = [];
  async get(k: string) {
    return this.records.get(k);
  }
  async claim(k: string, now: string) {
    const r = this.records.get(k);
    if (r?.state !== 'PENDING') return false;
    this.records.set(k, { ...r, state: 'SENDING', sendingSince: now });
    return true;
  }
  async hold(k: string) {
    const r = this.records.get(k);
    if (r?.state === 'PENDING') this.records.set(k, { ...r, state: 'HELD' });
  }
  async unclaim(k: string) {
    const r = this.records.get(k);
    if (r?.state === 'SENDING') this.records.set(k, { ...r, state: 'PENDING' });
  }
  async settle(k: string, state: Settled, _now: string, detail?: string) {
    const r = this.records.get(k);
    if (!r) return;
    const { target: _t, profile: _p, ...rest } = r;
    this.records.set(k, { ...rest, state, ...(detail && { detail }) });
  }
  async markSent(k: string, _now: string, mail: SentMail) {
    const r = this.records.get(k);
    if (!r) return;
    const { profile: _p, ...rest } = r;
    this.records.set(k, { ...rest, state: 'SENT', ...mail });
  }
  async recordSent(accountId: string, _d: string, notice: { kind: string; messageId: string }) {
    this.sent.push({ accountId, kind: notice.kind, messageId: notice.messageId });
  }
}

class FakeMailer {
  readonly outbox: Mail[] = [];
  failWith: Error | undefined;
  async send(mail: Mail) {
    if (this.failWith) throw this.failWith;
    this.outbox.push(mail);
    return { messageId: `m${this.outbox.length}` };
  }
}

describe('sendNotice', () => {
  let notices: FakeNotices;
  let mailer: FakeMailer;
  let account: AccountRecord;
  let clock: Date;
  let deps: SendNoticeDeps;

  beforeEach(() => {
    // Arrange: a deactivated account with a German profile and its pending deactivation notice.
    notices = new FakeNotices();
    mailer = new FakeMailer();
    clock = new Date('2026-11-24T10:01:00.000Z');
    account = {
      accountId: 'u1',
      status: 'DEACTIVATED',
      deactivatedAt: '2026-11-24T10:00:00.000Z',
      purgeAfter: '2026-12-24T10:00:00.000Z',
    };
    notices.records.set(KEY, {
      key: KEY,
      kind: 'deactivated',
      state: 'PENDING',
      deactivatedAt: '2026-11-24T10:00:00.000Z',
      target: 'u1',
    });
    deps = {
      notices,
      accounts: { get: async () => account },
      profiles: {
        get: async () => ({ email: 'u1@example.com', locale: 'de-DE', timeZone: 'Europe/Berlin' }),
      },
      mailer,
      restoreKey: key,
      addressKey: ADDRESS_KEY,
      branding: { productName: 'Lethe Demo', supportUrl: 'https://example.com/support' },
      publicUrl: 'https://lethe.example.com/',
      sweepIntervalMs: 15 * 60_000,
      now: () => clock,
    };
  });

  it('holds back a reminder while a legal hold is on, and sends the deactivation notice with no deletion date', async () => {
    // Arrange
    const reminder = KEY.replace('#deactivated', '#reminder-P7D');
    notices.records.set(reminder, {
      key: reminder,
      kind: 'reminder-P7D',
      state: 'PENDING',
      deactivatedAt: '2026-11-24T10:00:00.000Z',
      target: 'u1',
    });
    account = { ...account, legalHold: { reason: 'Case 1', placedAt: '2026-11-24T10:00:30.000Z' } };
    // Act
    const outcomes = [await sendNotice(deps, reminder), await sendNotice(deps, KEY)];
    // Assert
    expect(outcomes).toEqual(['held', 'sent']);
    expect(notices.records.get(reminder)?.state).toBe('HELD');
    expect(mailer.outbox.map((m) => m.subject)).toEqual(['Ihr Lethe Demo-Konto ist deaktiviert']);
    expect(mailer.outbox[0]?.text).toContain('ist die Löschung ausgesetzt');
    expect(mailer.outbox[0]?.text).not.toContain('wird es mit allen Daten endgültig gelöscht');
  });

  it.each([
    ['a reminder', 'reminder-PT30S', '2026-12-24T10:00:25.000Z'],
    ['the deactivation notice', 'deactivated', '2026-12-24T10:00:00.000Z'],
  ])(
    'sends %s found due only at or after the deletion date no more: its date and link are past',
    async (_label, kind, at) => {
      // Arrange: a late sweep (a hand-run one, or after an outage) queued it at or after purgeAfter
      const late = KEY.replace('#deactivated', `#${kind}`);
      notices.records.set(late, {
        key: late,
        kind: kind as NoticeRecord['kind'],
        state: 'PENDING',
        deactivatedAt: '2026-11-24T10:00:00.000Z',
        target: 'u1',
      });
      clock = new Date(at);
      // Act
      const outcome = await sendNotice(deps, late);
      // Assert: no mail; settled once, saying why
      expect(outcome).toBe('late');
      expect(mailer.outbox).toEqual([]);
      expect(notices.records.get(late)).toMatchObject({ state: 'CANCELLED', detail: 'past-deletion-date' });
      expect(await sendNotice(deps, late)).toBe('duplicate');
    },
  );

  it('still sends a reminder a moment before the deletion date, while its link works', async () => {
    // Arrange
    const reminder = KEY.replace('#deactivated', '#reminder-PT30S');
    notices.records.set(reminder, {
      key: reminder,
      kind: 'reminder-PT30S',
      state: 'PENDING',
      deactivatedAt: '2026-11-24T10:00:00.000Z',
      target: 'u1',
    });
    clock = new Date('2026-12-24T09:59:59.000Z');
    // Act / Assert
    expect(await sendNotice(deps, reminder)).toBe('sent');
  });

  it('tells when a purge held past its date now runs: one sweep interval after the release', async () => {
    // Arrange
    const resumed = KEY.replace('#deactivated', '#resumed');
    notices.records.set(resumed, {
      key: resumed,
      kind: 'resumed',
      state: 'PENDING',
      deactivatedAt: '2026-11-24T10:00:00.000Z',
      target: 'u1',
      releasedAt: '2027-01-10T08:00:00.000Z',
    });
    // Act
    const outcome = await sendNotice(deps, resumed);
    // Assert: 08:15 UTC is 09:15 in Berlin
    expect(outcome).toBe('sent');
    expect(mailer.outbox[0]?.subject).toBe('Ihr Lethe Demo-Konto wird jetzt gelöscht');
    expect(mailer.outbox[0]?.text).toContain('bis zum 10. Januar 2027 um 09:15 MEZ');
    expect(mailer.outbox[0]?.text).not.toContain('restore?token');
  });

  it('sends once in the profile language with a link bound to the deactivation, then settles SENT with its MessageId', async () => {
    // Act
    const outcomes = [await sendNotice(deps, KEY), await sendNotice(deps, KEY)];
    // Assert
    expect(outcomes).toEqual(['sent', 'duplicate']);
    expect(mailer.outbox).toHaveLength(1);
    expect(mailer.outbox[0]?.subject).toBe('Ihr Lethe Demo-Konto wird am 24. Dezember 2026 gelöscht');
    const token = decodeURIComponent(/token=([^\s"]+)/.exec(mailer.outbox[0]?.text ?? '')?.[1] ?? '');
    expect(mailer.outbox[0]?.text).toContain('https://lethe.example.com/restore?token=');
    expect(verifyRestoreToken(key, token, clock)).toEqual({
      accountId: 'u1',
      deactivatedAt: account.deactivatedAt,
      expiresAt: account.purgeAfter,
    });
    // The record keeps the MessageId and the address's digest (never the address), tagged so SES's events find it.
    expect(notices.records.get(KEY)).toMatchObject({
      state: 'SENT',
      messageId: 'm1',
      address: addressDigest(ADDRESS_KEY, 'U1@example.com '),
    });
    expect(JSON.stringify(notices.records.get(KEY))).not.toContain('u1@example.com');
    expect(noticeKeyOfTag(mailer.outbox[0]?.tags?.[NOTICE_TAG])).toBe(KEY);
    expect(notices.sent).toEqual([{ accountId: 'u1', kind: 'deactivated', messageId: 'm1' }]);
  });

  it('sends nothing more to an address that bounced for good or complained, and records why', async () => {
    // Arrange: the account's address bounced for good on an earlier notice
    account = {
      ...account,
      noticeSuppression: {
        reason: 'bounced',
        at: '2026-11-24T10:00:40.000Z',
        address: addressDigest(ADDRESS_KEY, 'u1@example.com'),
      },
    };
    // Act
    const outcome = await sendNotice(deps, KEY);
    // Assert
    expect(outcome).toBe('suppressed');
    expect(mailer.outbox).toEqual([]);
    expect(notices.records.get(KEY)).toMatchObject({ state: 'FAILED', detail: 'suppressed' });
  });

  it('mails a changed address again: the suppression is for the address that bounced', async () => {
    // Arrange
    account = {
      ...account,
      noticeSuppression: {
        reason: 'complained',
        at: '2026-11-24T10:00:40.000Z',
        address: addressDigest(ADDRESS_KEY, 'old@example.com'),
      },
    };
    // Act
    const outcome = await sendNotice(deps, KEY);
    // Assert
    expect(outcome).toBe('sent');
    expect(mailer.outbox).toHaveLength(1);
  });

  it('cancels instead of sending when the account was restored', async () => {
    // Arrange
    account = { accountId: 'u1', status: 'ACTIVE' };
    // Act
    const outcome = await sendNotice(deps, KEY);
    // Assert
    expect(outcome).toBe('cancelled');
    expect(mailer.outbox).toEqual([]);
    expect(notices.records.get(KEY)?.state).toBe('CANCELLED');
  });

  it('cancels a notice of an earlier deactivation', async () => {
    // Arrange
    account = { ...account, deactivatedAt: '2026-11-30T10:00:00.000Z' };
    // Act / Assert
    expect(await sendNotice(deps, KEY)).toBe('cancelled');
    expect(mailer.outbox).toEqual([]);
  });

  it('records a refusal for good (suppressed address) and does not retry', async () => {
    // Arrange
    mailer.failWith = new MailRejected('SES refused the notice: MessageRejected');
    // Act
    const outcome = await sendNotice(deps, KEY);
    // Assert
    expect(outcome).toBe('failed');
    expect(notices.records.get(KEY)).toMatchObject({ state: 'FAILED', detail: 'rejected' });
  });

  it('lets a retry send when SES answered with an error (nothing was sent)', async () => {
    // Arrange
    mailer.failWith = new MailNotSent('SES answered 429');
    // Act
    await expect(sendNotice(deps, KEY)).rejects.toThrow(MailNotSent);
    mailer.failWith = undefined;
    const retry = await sendNotice(deps, KEY);
    // Assert
    expect(retry).toBe('sent');
    expect(mailer.outbox).toHaveLength(1);
  });

  it('never re-sends when it is unknown whether SES took the mail (at most once), and marks it UNCERTAIN later', async () => {
    // Arrange: the connection died mid-send.
    mailer.failWith = new Error('socket hang up');
    await expect(sendNotice(deps, KEY)).rejects.toThrow('socket hang up');
    mailer.failWith = undefined;
    // Act
    const soon = await sendNotice(deps, KEY);
    clock = new Date(clock.getTime() + NOTICE_SENDING_TIMEOUT_MS + 1000);
    const later = await sendNotice(deps, KEY);
    // Assert
    expect([soon, later]).toEqual(['duplicate', 'uncertain']);
    expect(mailer.outbox).toEqual([]);
    expect(notices.records.get(KEY)?.state).toBe('UNCERTAIN');
  });

  it('sends the purged notice to the captured address and erases it', async () => {
    // Arrange
    const purgedKey = 'notice#subj#final#purged';
    notices.records.set(purgedKey, {
      key: purgedKey,
      kind: 'purged',
      state: 'PENDING',
      deactivatedAt: '2026-11-24T10:00:00.000Z',
      profile: { email: 'gone@example.com', locale: 'en-GB' },
      purgedAt: '2026-12-24T10:05:00.000Z',
      goneFromBackupsBy: '2027-01-28T10:05:00.000Z',
      dataKinds: ['profiles', 'uploads'],
    });
    // Act
    const outcome = await sendNotice(deps, purgedKey);
    // Assert
    expect(outcome).toBe('sent');
    expect(mailer.outbox[0]).toMatchObject({
      to: 'gone@example.com',
      subject: 'Your Lethe Demo account has been deleted',
    });
    expect(mailer.outbox[0]?.text).toContain('profiles and uploads');
    expect(mailer.outbox[0]?.text).toContain('28 January 2027');
    expect(notices.records.get(purgedKey)?.profile).toBeUndefined();
    expect(notices.sent).toEqual([]);
  });

  it('does not send the deletion receipt to an address that bounced for good (the purge carried it over)', async () => {
    // Arrange
    const purgedKey = 'notice#subj#final#purged';
    notices.records.set(purgedKey, {
      key: purgedKey,
      kind: 'purged',
      state: 'PENDING',
      deactivatedAt: '2026-11-24T10:00:00.000Z',
      profile: { email: 'gone@example.com', locale: 'en-GB' },
      suppressedAddress: addressDigest(ADDRESS_KEY, 'gone@example.com'),
    });
    // Act
    const outcome = await sendNotice(deps, purgedKey);
    // Assert
    expect(outcome).toBe('suppressed');
    expect(mailer.outbox).toEqual([]);
    expect(notices.records.get(purgedKey)).toMatchObject({ state: 'FAILED', detail: 'suppressed' });
    expect(notices.records.get(purgedKey)?.profile).toBeUndefined();
  });
});

describe('scheduleNotices', () => {
  it('enqueues each due notice it could postpone, and only those', async () => {
    // Arrange: two due notices in one shard, one of them taken by a concurrent sweep.
    const jobs: NoticeJob[] = [];
    const page = async (shard: string) =>
      shard === 'N3'
        ? {
            items: [
              { key: 'notice#a', noticeDueAt: '2026-11-24T10:00:00.000Z' },
              { key: 'notice#b', noticeDueAt: '2026-11-24T10:00:00.000Z' },
            ],
          }
        : { items: [] };
    // Act
    const result = await scheduleNotices(
      {
        due: { page, postpone: async (n) => n.key === 'notice#a' },
        queue: { send: async (batch) => void jobs.push(...batch) },
        now: () => new Date('2026-11-24T10:05:00.000Z'),
        remainingMs: () => 60_000,
      },
      { reserveMs: 1000, leaseMs: 60_000, pageSize: 100 },
    );
    // Assert
    expect(result).toEqual({ enqueued: 1, complete: true });
    expect(jobs).toEqual([{ noticeKey: 'notice#a' }]);
  });
});
