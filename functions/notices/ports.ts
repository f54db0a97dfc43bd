/** What the notice use cases need from the outside world; adapters implement these, tests pass fakes. */
import type { Profile } from '../core/data-map.ts';
import type { NoticeKind, NoticeState, NoticeSuppression } from '../core/notices.ts';
import type { NoticeFeedback } from '../core/ses-feedback.ts';

export interface NoticeRecord {
  /** The record's key in the Accounts table: `notice#<subject>#<deactivatedAt>#<kind>`. */
  readonly key: string;
  readonly kind: NoticeKind;
  readonly state: NoticeState;
  readonly deactivatedAt: string;
  /** The account, while the notice is unsettled (deactivated and reminders only). */
  readonly target?: string;
  readonly noticeDueAt?: string;
  readonly sendingSince?: string;
  /** The resumed notice: when the hold that kept the account past its date was released. */
  readonly releasedAt?: string;
  /** The purged notice: the address captured before the purge, and the receipt's facts. */
  readonly profile?: Profile;
  readonly purgedAt?: string;
  readonly goneFromBackupsBy?: string;
  readonly dataKinds?: readonly string[];
  /** The purged notice: the account's suppression, carried over by the purge (its record is gone). */
  readonly suppressedAddress?: string;
  /** Once SENT: what SendEmail answered, and the digest of the address it went to (addressDigest). */
  readonly messageId?: string;
  readonly address?: string;
  /** What SES reported afterwards (functions/core/ses-feedback.ts). */
  readonly deliveredAt?: string;
  readonly bouncedAt?: string;
  readonly complainedAt?: string;
}

export type Settled = 'FAILED' | 'CANCELLED' | 'UNCERTAIN';

/** What a sent notice keeps, so SES's later events find it and a hard bounce stops the next one. */
export interface SentMail {
  readonly messageId: string;
  /** addressDigest of the address it went to: never the address itself. */
  readonly address: string;
}

export interface NoticeStore {
  get(key: string): Promise<NoticeRecord | undefined>;
  /** PENDING → SENDING: the conditional record before the send; false if another delivery has it. */
  claim(key: string, now: string): Promise<boolean>;
  /** PENDING → HELD: a "will be deleted" notice under a legal hold, out of the due index until released. */
  hold(key: string, now: string): Promise<void>;
  /** SENDING → PENDING: SES answered with an error, so nothing was sent and a retry may send. */
  unclaim(key: string): Promise<void>;
  /** Final: the account id and any captured address are erased from the record. */
  settle(key: string, state: Settled, now: string, detail?: string): Promise<void>;
  /**
   * SENDING → SENT with the MessageId and the address's digest. The captured
   * address goes; the account id stays while the deactivation lasts (a restore
   * or the purge deletes the record), so SES's later word reaches the account view.
   */
  markSent(key: string, now: string, mail: SentMail): Promise<void>;
  /** Shows a sent notice in the account view, if the deactivation it was for is still current. */
  recordSent(
    accountId: string,
    deactivatedAt: string,
    notice: { kind: string; sentAt: string; messageId: string },
  ): Promise<void>;
}

/** Where SES's word on a sent notice is kept. */
export interface FeedbackStore {
  get(key: string): Promise<NoticeRecord | undefined>;
  /**
   * Records the feedback on the notice record and, while its deactivation
   * lasts, on the account's view, with the suppression if there is one, in
   * one transaction. False when it was recorded before (SES and EventBridge
   * deliver at least once) or the record's MessageId is another's.
   */
  recordFeedback(
    record: NoticeRecord,
    feedback: NoticeFeedback,
    suppression?: NoticeSuppression,
  ): Promise<boolean>;
}

export interface DueNotice {
  readonly key: string;
  readonly noticeDueAt: string;
}

export interface NoticeDueIndex {
  page(
    shard: string,
    now: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: DueNotice[]; cursor?: string }>;
  /** Moves a due notice's time on by the lease, so the next sweep does not enqueue it again meanwhile. */
  postpone(notice: DueNotice, until: string): Promise<boolean>;
}

export interface NoticeJob {
  readonly noticeKey: string;
}

export interface NoticeQueue {
  send(jobs: readonly NoticeJob[]): Promise<void>;
}

export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** SES message tags: published with every event for the message (the notice's key, NOTICE_TAG). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** SES refused this message for good (a suppressed or invalid address): never retried. */
export class MailRejected extends Error {
  override readonly name = 'MailRejected';
}

/** SES answered with an error (throttled, unavailable): nothing was sent, a retry may send. */
export class MailNotSent extends Error {
  override readonly name = 'MailNotSent';
}

export interface Mailer {
  /** Throws MailRejected, MailNotSent, or anything else when it is unknown whether SES took it. */
  send(mail: Mail): Promise<{ messageId: string }>;
}
