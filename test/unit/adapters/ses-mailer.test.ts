import {
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../../functions/adapters/ses-mailer.ts';
import { MailNotSent, MailRejected } from '../../../functions/notices/ports.ts';

const ses = mockClient(SESv2Client);
const mail = { to: 'ada@example.com', subject: 'S', html: '<p>H</p>', text: 'T' };
const mailer = new SesMailer(
  new SESv2Client({ region: 'us-east-1' }),
  'Lethe <no-reply@example.com>',
  'lethe-notices',
);

describe('SesMailer', () => {
  beforeEach(() => {
    ses.reset();
  });

  it('sends Simple content with HTML and text, from the sender, with the configuration set', async () => {
    // Arrange
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    // Act
    const result = await mailer.send(mail);
    // Assert
    expect(result).toEqual({ messageId: 'm-1' });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      FromEmailAddress: 'Lethe <no-reply@example.com>',
      Destination: { ToAddresses: ['ada@example.com'] },
      ConfigurationSetName: 'lethe-notices',
      Content: {
        Simple: { Subject: { Data: 'S' }, Body: { Html: { Data: '<p>H</p>' }, Text: { Data: 'T' } } },
      },
    });
  });

  it('turns a refusal for good into MailRejected, with no address in the message', async () => {
    // Arrange
    ses.on(SendEmailCommand).rejects(
      new MessageRejected({
        message: 'Address ada@example.com is suppressed',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    // Act
    const error = await mailer.send(mail).catch((e: unknown) => e);
    // Assert
    expect(error).toBeInstanceOf(MailRejected);
    expect(String((error as Error).message)).not.toContain('@');
  });

  it('turns an answered error (throttling) into MailNotSent, so a retry may send', async () => {
    // Arrange
    ses
      .on(SendEmailCommand)
      .rejects(new TooManyRequestsException({ message: 'slow down', $metadata: { httpStatusCode: 429 } }));
    // Act / Assert
    await expect(mailer.send(mail)).rejects.toBeInstanceOf(MailNotSent);
  });

  it('passes an error with no answer from SES on as it is: whether the mail left is unknown', async () => {
    // Arrange
    ses.on(SendEmailCommand).rejects(new Error('socket hang up'));
    // Act
    const error = await mailer.send(mail).catch((e: unknown) => e);
    // Assert
    expect(error).not.toBeInstanceOf(MailNotSent);
    expect(error).not.toBeInstanceOf(MailRejected);
  });
});
