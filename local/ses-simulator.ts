/**
 * SES's mailbox simulator, locally. aws-ses-v2-local accepts mail but
 * publishes no events, so local mode makes the ones SES would: a Delivery
 * for every notice it sent, a Permanent bounce for the accounts in
 * LETHE_SES_BOUNCE_ACCOUNTS, a Delivery then a complaint for those in
 * LETHE_SES_COMPLAINT_ACCOUNTS. Each is SES's event record as EventBridge
 * delivers it (`aws.ses`, the record as `detail`; test/fixtures/ses has
 * the documented ones), handed to the real feedback handler as its queue
 * would. The records carry no address: the handler never reads one.
 */
import { NOTICE_TAG, noticeTagValue } from '../functions/core/notices.ts';

export interface SesSimulation {
  readonly bounce: readonly string[];
  readonly complaint: readonly string[];
  /** The configuration set the sender sends with: SES tags every event with its name. */
  readonly configurationSet: string;
}

type Kind = 'delivery' | 'bounce' | 'complaint';

const DETAIL_TYPES: Record<Kind, string> = {
  delivery: 'Email Delivered',
  bounce: 'Email Bounced',
  complaint: 'Email Complaint Received',
};

/** What SES would report for a notice to this account. */
export const simulatedKinds = (accountId: string | undefined, simulation: SesSimulation): Kind[] => {
  if (accountId && simulation.bounce.includes(accountId)) return ['bounce'];
  if (accountId && simulation.complaint.includes(accountId)) return ['delivery', 'complaint'];
  return ['delivery'];
};

/** SES's event for one sent message, in EventBridge's envelope. */
export const simulatedSesEvent = (
  kind: Kind,
  sent: { readonly messageId: string; readonly noticeKey: string; readonly sentAt: string },
  simulation: SesSimulation,
  at: Date,
) => {
  const timestamp = at.toISOString();
  const detail = {
    eventType: { delivery: 'Delivery', bounce: 'Bounce', complaint: 'Complaint' }[kind],
    mail: {
      timestamp: sent.sentAt,
      messageId: sent.messageId,
      sendingAccountId: '000000000000',
      destination: [],
      headersTruncated: false,
      tags: {
        'ses:configuration-set': [simulation.configurationSet],
        [NOTICE_TAG]: [noticeTagValue(sent.noticeKey)],
      },
    },
    ...(kind === 'delivery' && {
      delivery: { timestamp, processingTimeMillis: 0, recipients: [], smtpResponse: '250 2.0.0 OK' },
    }),
    ...(kind === 'bounce' && {
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [],
        timestamp,
        feedbackId: `local-${sent.messageId}`,
      },
    }),
    ...(kind === 'complaint' && {
      complaint: {
        complainedRecipients: [],
        timestamp,
        feedbackId: `local-${sent.messageId}`,
        complaintFeedbackType: 'abuse',
      },
    }),
  };
  return {
    version: '0',
    id: `local-${kind}-${sent.messageId}`,
    'detail-type': DETAIL_TYPES[kind],
    source: 'aws.ses',
    account: '000000000000',
    time: timestamp,
    region: 'us-east-1',
    resources: [],
    detail,
  };
};
