/** What the notice use cases need from the outside world; adapters implement these, tests pass fakes. */

import type { Profile } from '../core/data-map.ts';
import type { NoticeKind, NoticeState } from '../core/notices.ts';

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
}

export type Settled = 'SENT' | 'FAILED' | 'CANCELLED' | 'UNCERTAIN';

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
  /** Shows a sent notice in the account view, if the deactivation it was for is still current. */
  recordSent(
    accountId: string,
    deactivatedAt: string,
    notice: { kind: string; sentAt: string },
  ): Promise<void>;
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
