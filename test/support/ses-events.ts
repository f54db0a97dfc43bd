/**
 * SES's documented event records (test/fixtures/ses), made to name a notice
 * Lethe sent: its MessageId and the `lethe-notice` tag the sender adds.
 */
import { readFileSync } from 'node:fs';
import { NOTICE_TAG, noticeTagValue } from '../../functions/core/notices.ts';

export type SesFixture =
  | 'bounce.eventbridge'
  | 'complaint.eventbridge'
  | 'delivery.eventbridge'
  | 'complaint.sns';

type Json = Record<string, unknown>;

export const sesFixture = (name: SesFixture): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/ses/${name}.json`, import.meta.url), 'utf8')) as Json;

/** The SES record inside the fixture (EventBridge's `detail`, or SNS's `Message`). */
const withRecord = (event: Json, change: (record: Json) => void): Json => {
  const copy = structuredClone(event);
  if (typeof copy.Message === 'string') {
    const record = JSON.parse(copy.Message) as Json;
    change(record);
    copy.Message = JSON.stringify(record);
  } else {
    change(copy.detail as Json);
  }
  return copy;
};

/** The fixture as SES would publish it for a notice: that MessageId, that record's tag, maybe a change. */
export const sesEventFor = (
  name: SesFixture,
  sent: { messageId: string; noticeKey?: string },
  change: (record: Json) => void = () => undefined,
): Json =>
  withRecord(sesFixture(name), (record) => {
    const mail = record.mail as Json & { tags: Record<string, string[]>; commonHeaders: Json };
    mail.messageId = sent.messageId;
    mail.commonHeaders.messageId = sent.messageId;
    if (sent.noticeKey) mail.tags[NOTICE_TAG] = [noticeTagValue(sent.noticeKey)];
    change(record);
  });

/** A transient bounce: the documented Bounce record, as SES reports a full mailbox. */
export const transient = (record: Json): void => {
  record.bounce = {
    ...(record.bounce as Json),
    bounceType: 'Transient',
    bounceSubType: 'MailboxFull',
  };
};
