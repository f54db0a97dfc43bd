/**
 * SendMessage without the SQS client, against a local endpoint that answers
 * as SQS does: the request is the one the SQS client sends (body, target,
 * protocol headers, SigV4 for `sqs`), SQS errors come back under the SDK's
 * names, throttling and 5xx are retried as the SDK retries them (three
 * attempts), a client error is not, and a wrong MD5 is refused.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SqsSender } from '../../../functions/adapters/sqs-sender.ts';
import { startFakeSqs } from '../../support/fake-sqs.ts';

const sqs = await startFakeSqs();
afterAll(() => sqs.close());
beforeEach(() => sqs.reset());

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/lethe-export';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const sender = new SqsSender({ region: 'eu-west-1', endpoint: sqs.url, credentials });
const PROTOCOL_HEADERS = ['content-type', 'x-amz-target', 'x-amzn-query-mode', 'content-length'] as const;

describe('SqsSender', () => {
  it('sends what the SQS client sends', async () => {
    // Arrange: the same message through the SDK's client first.
    const client = new SQSClient({
      region: 'eu-west-1',
      endpoint: sqs.url,
      credentials,
      useQueueUrlAsEndpoint: false,
    });
    await client.send(
      new SendMessageCommand({ QueueUrl: QUEUE, MessageBody: '{"accountId":"u1","exportId":"e1"}' }),
    );
    // Act
    await sender.sendMessage(QUEUE, '{"accountId":"u1","exportId":"e1"}');
    // Assert
    const [sdk, ours] = sqs.requests;
    expect(ours?.body).toEqual(sdk?.body);
    for (const header of PROTOCOL_HEADERS) expect(ours?.headers[header]).toBe(sdk?.headers[header]);
    expect(ours?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/sqs\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('retries throttling and server errors, three attempts in all', async () => {
    // Arrange
    sqs.failNext({ status: 400, type: 'RequestThrottled' }, { status: 500, type: 'InternalError' });
    // Act
    await sender.sendMessage(QUEUE, 'job');
    // Assert
    expect(sqs.requests).toHaveLength(3);
  });

  it('gives up after three attempts with the last error, named as the SDK names it', async () => {
    sqs.failNext(...[1, 2, 3].map(() => ({ status: 503, type: 'ServiceUnavailable', message: 'busy' })));
    await expect(sender.sendMessage(QUEUE, 'job')).rejects.toMatchObject({
      name: 'ServiceUnavailable',
      message: 'busy',
      $metadata: { httpStatusCode: 503 },
    });
    expect(sqs.requests).toHaveLength(3);
  });

  it('does not retry a client error', async () => {
    sqs.failNext({ status: 400, type: 'QueueDoesNotExist', message: 'The specified queue does not exist.' });
    await expect(sender.sendMessage(QUEUE, 'job')).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    expect(sqs.requests).toHaveLength(1);
  });

  it('refuses an answer whose MD5 is not the body’s, as the SQS client does', async () => {
    sqs.answerMd5('00000000000000000000000000000000');
    await expect(sender.sendMessage(QUEUE, 'job')).rejects.toThrow('InvalidChecksumError');
  });
});
