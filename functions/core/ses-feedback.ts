/**
 * What SES tells about a notice after it accepted it: delivered, bounced or
 * complained about. SES publishes one JSON record per event through the
 * configuration set's event destination (docs: "Contents of event data that
 * Amazon SES publishes"); on EventBridge it is the `detail` of an `aws.ses`
 * event, on SNS the `Message` string. Both arrive here, and so does the bare
 * record. Pure: no I/O, and what it returns never holds an address (the
 * records carry them in `destination`, `bouncedRecipients`, …: I7).
 */
import { NOTICE_TAG, noticeKeyOfTag } from './notices.ts';

export type BounceType = 'Permanent' | 'Transient' | 'Undetermined';

interface Common {
  /** The MessageId SendEmail returned: it must match the one on the notice record. */
  readonly messageId: string;
  /** The notice record the message's `lethe-notice` tag names, if it carries one. */
  readonly noticeKey?: string;
  /** When it happened, by SES's clock. */
  readonly at: string;
}

export type NoticeFeedback =
  | (Common & { readonly kind: 'delivery' })
  | (Common & { readonly kind: 'bounce'; readonly bounceType: BounceType; readonly bounceSubType: string })
  | (Common & { readonly kind: 'complaint'; readonly feedbackType?: string });

const BOUNCE_TYPES: ReadonlySet<string> = new Set(['Permanent', 'Transient', 'Undetermined']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The SES event record inside an EventBridge envelope, an SNS notification, or as it is. */
const recordOf = (body: unknown): Json | undefined => {
  if (!isObject(body)) return undefined;
  if (body.source === 'aws.ses' && isObject(body.detail)) return body.detail;
  if (body.Type === 'Notification' && typeof body.Message === 'string') {
    try {
      return recordOf(JSON.parse(body.Message));
    } catch {
      return undefined;
    }
  }
  return body;
};

/**
 * The feedback a body reports, or undefined for anything else (another
 * event type, a malformed body): those are dropped, never retried.
 */
export const feedbackOf = (body: unknown): NoticeFeedback | undefined => {
  const record = recordOf(body);
  if (!record) return undefined;
  // `notificationType` is the name in an identity's feedback notifications (no tags there).
  const type = text(record.eventType) ?? text(record.notificationType);
  const mail = isObject(record.mail) ? record.mail : undefined;
  const messageId = text(mail?.messageId);
  if (!type || !mail || !messageId) return undefined;
  const tags = isObject(mail.tags) ? mail.tags : {};
  const tag = tags[NOTICE_TAG];
  const noticeKey = noticeKeyOfTag(Array.isArray(tag) ? text(tag[0]) : text(tag));
  const common = (detail: unknown) => ({
    messageId,
    ...(noticeKey && { noticeKey }),
    at: text(isObject(detail) ? detail.timestamp : undefined) ?? text(mail.timestamp) ?? '',
  });
  if (type === 'Delivery') return { kind: 'delivery', ...common(record.delivery) };
  if (type === 'Bounce' && isObject(record.bounce)) {
    const bounceType = text(record.bounce.bounceType) ?? 'Undetermined';
    return {
      kind: 'bounce',
      ...common(record.bounce),
      bounceType: (BOUNCE_TYPES.has(bounceType) ? bounceType : 'Undetermined') as BounceType,
      bounceSubType: text(record.bounce.bounceSubType) ?? 'General',
    };
  }
  if (type === 'Complaint' && isObject(record.complaint)) {
    const feedbackType = text(record.complaint.complaintFeedbackType);
    return { kind: 'complaint', ...common(record.complaint), ...(feedbackType && { feedbackType }) };
  }
  return undefined;
};

/** A Permanent bounce or a complaint: no more notices to that address (the sender checks). */
export const suppressionOf = (feedback: NoticeFeedback): 'bounced' | 'complained' | undefined => {
  if (feedback.kind === 'complaint') return 'complained';
  if (feedback.kind === 'bounce' && feedback.bounceType === 'Permanent') return 'bounced';
  return undefined;
};
