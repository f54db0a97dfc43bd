/**
 * Sends one notice, at most once (I4). The record's conditional state
 * machine (functions/core/notices.ts) decides; a duplicate message, a retry
 * or a concurrent delivery finds the record claimed or settled and sends
 * nothing.
 */
import type { ProfileReader } from '../core/data-map.ts';
import type { AccountRecord } from '../core/lifecycle.ts';
import { type MetricKey, type Metrics, noMetrics } from '../core/metrics.ts';
import {
  addressDigest,
  isHeldBack,
  isSuppressed,
  NOTICE_SENDING_TIMEOUT_MS,
  NOTICE_TAG,
  noticeTagValue,
  PAST_DELETION_DATE,
  promisesDeletionDate,
  templateKindOf,
} from '../core/notices.ts';
import { signRestoreToken } from '../core/restore-token.ts';
import { type Mailer, MailNotSent, MailRejected, type NoticeRecord, type NoticeStore } from './ports.ts';
import { type Branding, renderNotice } from './render.ts';

export interface SendNoticeDeps {
  readonly notices: NoticeStore;
  readonly accounts: { get(accountId: string): Promise<AccountRecord | undefined> };
  readonly profiles: ProfileReader;
  readonly mailer: Mailer;
  readonly restoreKey: Buffer;
  /** The key of address digests (addressKeyFrom): a suppressed address is compared by its digest. */
  readonly addressKey: Buffer;
  readonly branding: Branding;
  /** The API's public URL: the restore link is `<publicUrl>/restore?token=…`. */
  readonly publicUrl: string;
  /** How often the sweeper runs: a purge resumed by a hold's release runs within one interval. */
  readonly sweepIntervalMs: number;
  readonly now: () => Date;
  readonly metrics?: Metrics;
}

export type SendOutcome =
  | 'sent'
  | 'duplicate'
  | 'cancelled'
  | 'late'
  | 'failed'
  | 'uncertain'
  | 'held'
  | 'suppressed';

const restoreUrl = (deps: SendNoticeDeps, accountId: string, account: AccountRecord) =>
  `${deps.publicUrl.replace(/\/$/, '')}/restore?token=${encodeURIComponent(
    signRestoreToken(deps.restoreKey, {
      accountId,
      deactivatedAt: account.deactivatedAt ?? '',
      expiresAt: account.purgeAfter ?? '',
    }),
  )}`;

/** The mail for a notice, or why there is none (its deactivation is over, or no address). */
const compose = async (
  deps: SendNoticeDeps,
  record: NoticeRecord,
): Promise<
  | { to: string; subject: string; html: string; text: string }
  | 'cancelled'
  | 'late'
  | 'no-address'
  | 'held'
  | 'suppressed'
> => {
  if (record.kind === 'purged') {
    const profile = record.profile;
    if (!profile?.email) return 'no-address';
    const suppression = record.suppressedAddress ? { address: record.suppressedAddress } : undefined;
    if (isSuppressed(deps.addressKey, profile.email, suppression)) return 'suppressed';
    return {
      to: profile.email,
      ...renderNotice(
        {
          kind: 'purged',
          ...profile,
          deactivatedAt: record.deactivatedAt,
          purgeAfter: record.purgedAt ?? record.deactivatedAt,
          ...(record.purgedAt && { purgedAt: record.purgedAt }),
          ...(record.goneFromBackupsBy && { backupsGoneBy: record.goneFromBackupsBy }),
          dataKinds: record.dataKinds ?? [],
        },
        deps.branding,
      ),
    };
  }
  const accountId = record.target;
  const account = accountId ? await deps.accounts.get(accountId) : undefined;
  // A restore, or a purge that came first, ends the series: nothing more is sent for it. The resumed
  // notice may find the purge it announces under way (the profile, purged last, is still there).
  const current =
    account?.status === 'DEACTIVATED' || (record.kind === 'resumed' && account?.status === 'PURGING');
  if (!accountId || !account || !current || account.deactivatedAt !== record.deactivatedAt) {
    return 'cancelled';
  }
  // No "will be deleted on" while a legal hold keeps the account: the release sends what is due then.
  if (isHeldBack(record.kind) && account.legalHold) return 'held';
  // P6: "will be deleted on <date>, restore it before then" only while the date is ahead. Found due after
  // it (a sweeper outage, a hand-run sweep), the date is false and the link expired: nothing is sent, and
  // the deletion receipt is the next word the user gets.
  if (promisesDeletionDate(record.kind) && Date.parse(account.purgeAfter ?? '') <= deps.now().getTime()) {
    return 'late';
  }
  const profile = await deps.profiles.get(accountId);
  if (!profile?.email) return 'no-address';
  // A hard bounce or a complaint stops every later notice to that address (never retried).
  if (isSuppressed(deps.addressKey, profile.email, account.noticeSuppression)) return 'suppressed';
  if (record.kind === 'resumed') {
    const releasedAt = Date.parse(record.releasedAt ?? deps.now().toISOString());
    return {
      to: profile.email,
      ...renderNotice(
        {
          kind: 'resumed',
          ...profile,
          deactivatedAt: record.deactivatedAt,
          purgeAfter: account.purgeAfter ?? '',
          resumeAt: new Date(releasedAt + deps.sweepIntervalMs).toISOString(),
        },
        deps.branding,
      ),
    };
  }
  return {
    to: profile.email,
    ...renderNotice(
      {
        kind: templateKindOf(record.kind),
        ...profile,
        deactivatedAt: record.deactivatedAt,
        purgeAfter: account.purgeAfter ?? '',
        restoreUrl: restoreUrl(deps, accountId, account),
        // Already under a hold (reminders are held back): the deactivation notice states no deletion date.
        ...(record.kind === 'deactivated' && account.legalHold && { held: true }),
      },
      deps.branding,
    ),
  };
};

/** Counts what became of a notice, by template kind (deactivated, reminder, purged): never by account. */
const count = (deps: SendNoticeDeps, metric: MetricKey, record: NoticeRecord) =>
  (deps.metrics ?? noMetrics).record(metric, 1, { kind: templateKindOf(record.kind) });

export const sendNotice = async (deps: SendNoticeDeps, key: string): Promise<SendOutcome> => {
  const now = deps.now().toISOString();
  // 1. Only a PENDING record is sent; SENDING is another delivery's (or a send whose fate is unknown).
  const record = await deps.notices.get(key);
  if (!record) return 'duplicate';
  if (record.state === 'SENDING') {
    const stuck =
      record.sendingSince !== undefined &&
      Date.parse(now) - Date.parse(record.sendingSince) > NOTICE_SENDING_TIMEOUT_MS;
    if (!stuck) return 'duplicate';
    await deps.notices.settle(key, 'UNCERTAIN', now);
    count(deps, 'noticesUncertain', record);
    return 'uncertain';
  }
  if (record.state !== 'PENDING') return 'duplicate';
  // 2. The mail, if it is still wanted.
  const mail = await compose(deps, record);
  if (mail === 'cancelled') {
    await deps.notices.settle(key, 'CANCELLED', now);
    return 'cancelled';
  }
  if (mail === 'late') {
    await deps.notices.settle(key, 'CANCELLED', now, PAST_DELETION_DATE);
    return 'late';
  }
  if (mail === 'held') {
    await deps.notices.hold(key, now);
    return 'held';
  }
  if (mail === 'no-address' || mail === 'suppressed') {
    await deps.notices.settle(key, 'FAILED', now, mail);
    count(deps, 'noticesFailed', record);
    return mail === 'suppressed' ? 'suppressed' : 'failed';
  }
  // 3. The conditional record before the send: only one delivery gets past it.
  if (!(await deps.notices.claim(key, now))) return 'duplicate';
  // 4. Send, tagged with the record's key so SES's events find it. Refused for good: recorded, never
  //    retried, never blocks a purge.
  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send({ ...mail, tags: { [NOTICE_TAG]: noticeTagValue(key) } }));
  } catch (error) {
    if (error instanceof MailRejected) {
      await deps.notices.settle(key, 'FAILED', now, 'rejected');
      count(deps, 'noticesFailed', record);
      return 'failed';
    }
    // SES said no: nothing went out, so the retry may send. Anything else leaves SENDING (at most once).
    if (error instanceof MailNotSent) await deps.notices.unclaim(key);
    throw error;
  }
  // 5. Settled with the MessageId SES's events will name, and shown in the account view.
  await deps.notices.markSent(key, now, { messageId, address: addressDigest(deps.addressKey, mail.to) });
  count(deps, 'noticesSent', record);
  if (record.target) {
    await deps.notices.recordSent(record.target, record.deactivatedAt, {
      kind: record.kind,
      sentAt: now,
      messageId,
    });
  }
  return 'sent';
};
