/**
 * Notices as pure rules: which notices a deactivation plans and when each is
 * due, and how a notice's record is keyed. No I/O here.
 *
 * Each (account, deactivation, kind) has one record in the Accounts table,
 * keyed `notice#<subject>#<deactivatedAt>#<kind>`: `#` never occurs in an
 * account id, and the subject (an HMAC of the id) keeps the id out of the key.
 * The record's conditional state machine is what makes a notice go out at most
 * once (I4):
 *
 *   PENDING ──claim──▶ SENDING ──SES accepted──▶ SENT
 *      ▲                  │  └─SES refused for good──▶ FAILED (bounce, suppression)
 *      └──SES answered an─┘  error (throttled, 5xx): nothing was sent, retry
 *   PENDING ──its deactivation is over (restored, purged first)──▶ CANCELLED
 *   PENDING ──a "will be deleted on" notice found due only after that date──▶ CANCELLED (past-deletion-date)
 *   SENT ──SES reports a bounce──▶ BOUNCED     SENT|BOUNCED ──a complaint──▶ COMPLAINED
 *
 * A send that dies with no answer from SES (crash, timeout) leaves SENDING:
 * whether the mail left is unknown, and at most once wins, so it is never
 * sent again; the sweeper marks it UNCERTAIN after NOTICE_SENDING_TIMEOUT.
 */
import { createHash, createHmac } from 'node:crypto';
import { parseDuration } from './duration.ts';

/** `resumed`: a legal hold ended after the purge date, so the purge runs now, and the user is told when. */
export type NoticeKind = 'deactivated' | 'purged' | 'resumed' | `reminder-${string}`;
/** HELD: a "will be deleted on" notice the sender found under a legal hold; out of the due index until released. */
export type NoticeState =
  | 'PENDING'
  | 'SENDING'
  | 'SENT'
  | 'FAILED'
  | 'CANCELLED'
  | 'UNCERTAIN'
  | 'HELD'
  | 'BOUNCED'
  | 'COMPLAINED';

export interface PlannedNotice {
  readonly kind: NoticeKind;
  /** When it should go out, UTC ISO-8601. */
  readonly dueAt: string;
}

export const reminderKind = (offset: string): NoticeKind => `reminder-${offset}`;

export const templateKindOf = (kind: NoticeKind): 'deactivated' | 'reminder' | 'purged' | 'resumed' =>
  kind.startsWith('reminder-') ? 'reminder' : (kind as 'deactivated' | 'purged' | 'resumed');

/** Notices that say "will be deleted on" or "now": none goes out while a legal hold is on. */
export const isHeldBack = (kind: NoticeKind): boolean => kind.startsWith('reminder-') || kind === 'resumed';

/**
 * Notices that say "will be deleted on <date>, restore it before then" with a restore link that expires
 * at that date: sent late, after the date, each would be false and its link dead (P6).
 */
export const promisesDeletionDate = (kind: NoticeKind): boolean => {
  const template = templateKindOf(kind);
  return template === 'deactivated' || template === 'reminder';
};

/** Why a notice settled CANCELLED without a send when its date had passed (the record's `detail`). */
export const PAST_DELETION_DATE = 'past-deletion-date';

/**
 * When a hold ends before the purge date: the one reminder to send now, the
 * latest whose time passed during the hold (the others would only repeat it).
 * Reminders still ahead go out at their time.
 */
export const reminderToResume = (
  kinds: readonly string[],
  purgeAfter: string,
  now: string,
): NoticeKind | undefined =>
  kinds
    .filter((kind) => kind.startsWith('reminder-'))
    .map((kind) => ({
      kind: kind as NoticeKind,
      at: Date.parse(purgeAfter) - parseDuration(kind.slice('reminder-'.length)),
    }))
    .filter(({ at }) => at <= Date.parse(now))
    .sort((a, b) => b.at - a.at)[0]?.kind;

/**
 * On deactivation: the notice now, and one reminder per offset before
 * `purgeAfter`. A reminder that would fall at or before the deactivation
 * (a grace period shorter than the offset) is left out: the deactivation
 * notice already says the date.
 */
export const planNotices = (
  deactivatedAt: string,
  purgeAfter: string,
  schedule: readonly string[],
): PlannedNotice[] => {
  const start = Date.parse(deactivatedAt);
  const end = Date.parse(purgeAfter);
  const reminders = schedule
    .map((offset) => ({ kind: reminderKind(offset), at: end - parseDuration(offset) }))
    .filter(({ at }) => at > start && at < end)
    .map(({ kind, at }) => ({ kind, dueAt: new Date(at).toISOString() }));
  return [{ kind: 'deactivated', dueAt: deactivatedAt }, ...reminders];
};

export const noticeKey = (subject: string, deactivatedAt: string, kind: NoticeKind): string =>
  `notice#${subject}#${deactivatedAt}#${kind}`;

/** The deletion receipt's notice record: one per subject, written by the purge's final transaction. */
export const receiptNoticeKey = (subject: string): string => noticeKey(subject, 'final', 'purged');

export const isNoticeKey = (key: string): boolean => key.startsWith('notice#');

/** The notice record's key a notice queue message carries, or undefined for a message that is not one. */
export const noticeKeyOfBody = (body: string): string | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const key = (parsed as { noticeKey?: unknown } | null)?.noticeKey;
  return typeof key === 'string' && isNoticeKey(key) ? key : undefined;
};

/** Due notices are spread over shards like due accounts, by a stable hash of the record's key. */
export const NOTICE_SHARDS = 16;
export const noticeShardOf = (key: string, shards = NOTICE_SHARDS): string =>
  `N${createHash('sha256').update(key).digest().readUInt32BE(0) % shards}`;

/** How long a send may take before its record counts as stuck (UNCERTAIN). */
export const NOTICE_SENDING_TIMEOUT_MS = 15 * 60_000;

/** `Name <user@example.com>` or `user@example.com` → `example.com`: the SES identity it is sent from. */
export const senderDomain = (sender: string): string => {
  const address = /<([^>]+)>/.exec(sender)?.[1] ?? sender;
  const domain = address.split('@')[1]?.trim();
  if (!domain) throw new Error(`notices.sender "${sender}" is not an email address`);
  return domain;
};

/** The subject a notice record's key names (`notice#<subject>#…`). */
export const subjectOfNoticeKey = (key: string): string => key.split('#')[1] ?? '';

/**
 * The SES message tag each notice is sent with: the notice record's key,
 * base64url (tag values allow only letters, digits, `_` and `-`). SES
 * publishes it with every event for the message, so an event leads to its
 * record with one read, and the MessageId on that record must match the
 * event's (docs/monitoring.md, "Bounces and complaints").
 */
export const NOTICE_TAG = 'lethe-notice';
export const noticeTagValue = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
export const noticeKeyOfTag = (value: string | undefined): string | undefined => {
  if (!value || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const key = Buffer.from(value, 'base64url').toString('utf8');
  return isNoticeKey(key) ? key : undefined;
};

/**
 * Why Lethe sends no more notices to an account's address: it bounced for
 * good (a Permanent bounce) or its owner complained. `address` is an HMAC of
 * the address (addressDigest), so a changed address is mailed again and the
 * record never holds the address itself.
 */
export interface NoticeSuppression {
  readonly reason: 'bounced' | 'complained';
  readonly at: string;
  readonly address: string;
}

/** The key behind address digests, derived from the subject key under its own label. */
export const addressKeyFrom = (subjectKey: string): Buffer =>
  createHmac('sha256', subjectKey).update('lethe:notice-address:v1').digest();

/** An address as Lethe compares it: trimmed and lower-cased, then HMAC'd. */
export const addressDigest = (key: Buffer, address: string): string =>
  createHmac('sha256', key).update(address.trim().toLowerCase()).digest('base64url');

/** Whether a notice to `address` must not go out under `suppression`. */
export const isSuppressed = (
  key: Buffer,
  address: string,
  suppression: { readonly address: string } | undefined,
): boolean => suppression !== undefined && suppression.address === addressDigest(key, address);
