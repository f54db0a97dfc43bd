/**
 * Sends notices with SES v2 (Simple content: HTML and text), always with the
 * configuration set that routes bounce and complaint events. SES's account
 * suppression list is respected by SES itself; a refusal for good becomes
 * MailRejected, an answered error MailNotSent, anything else stays unknown.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { type Mail, type Mailer, MailNotSent, MailRejected } from '../notices/ports.ts';

/** SES errors that no retry will change. */
const FOR_GOOD = new Set([
  'MessageRejected',
  'BadRequestException',
  'NotFoundException',
  'AccountSuspendedException',
  'MailFromDomainNotVerifiedException',
]);

export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
    private readonly configurationSet: string,
  ) {}

  async send(mail: Mail): Promise<{ messageId: string }> {
    try {
      const { MessageId } = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.from,
          Destination: { ToAddresses: [mail.to] },
          ConfigurationSetName: this.configurationSet,
          ...(mail.tags && {
            EmailTags: Object.entries(mail.tags).map(([Name, Value]) => ({ Name, Value })),
          }),
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: {
                Html: { Data: mail.html, Charset: 'UTF-8' },
                Text: { Data: mail.text, Charset: 'UTF-8' },
              },
            },
          },
        }),
      );
      return { messageId: MessageId ?? '' };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // No message text: SES's can quote the address (I7).
      if (FOR_GOOD.has(name)) throw new MailRejected(`SES refused the notice: ${name}`);
      if (status !== undefined) throw new MailNotSent(`SES answered ${status} (${name})`);
      throw error;
    }
  }
}
