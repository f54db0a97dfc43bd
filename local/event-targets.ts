/**
 * What the local bus delivers to, standing in for the rules a deployment
 * has: a log line per event, the webhook (the API destination's job, signed
 * here as local mode promises) and the sign-in follower (rule → queue →
 * Lambda in AWS; here its real handler, given the event as SQS would).
 */
import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { signatureHeader } from '../functions/adapters/processor-client.ts';
import type { BusTarget, EventEnvelope } from './event-bus.ts';
import { lambdaContext } from './lambda-context.ts';
import { accountName } from './log-lines.ts';
import type { SqsHandler } from './queue-poller.ts';

/** The events the sign-in follower's rule matches. */
export const SIGN_IN_DETAIL_TYPES: ReadonlySet<string> = new Set([
  'AccountDeactivated',
  'AccountRestored',
  'AccountPurgeStarted',
]);

export const logTarget = (log: (line: string) => void): BusTarget => ({
  name: 'log',
  deliver: async (event) => {
    const account =
      typeof event.detail.accountId === 'string' ? accountName(event.detail.accountId) : 'a purged account';
    log(`event ${event['detail-type']} ${account}`);
  },
});

/** POSTs the whole envelope, signed `x-lethe-signature: t=…,v1=…` with the secret; any non-2xx is retried. */
export const webhookTarget = (url: string, secret: string, timeoutMs = 10_000): BusTarget => ({
  name: 'webhook',
  deliver: async (event) => {
    const body = JSON.stringify(event);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-lethe-signature': signatureHeader(secret, Math.floor(Date.now() / 1000), body),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`the webhook answered HTTP ${response.status}`);
  },
});

/** Bodies as an EventBridge rule's SQS target hands them to a Lambda: one batch. */
export const sqsEventOf = (bodies: readonly string[], queue: string): SQSEvent => ({
  Records: bodies.map((body) => {
    const messageId = randomUUID();
    return {
      messageId,
      receiptHandle: messageId,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'events.amazonaws.com',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
      awsRegion: 'us-east-1',
    };
  }),
});

export const signInTarget = (handler: SqsHandler): BusTarget => ({
  name: 'sign-in',
  accepts: (event: EventEnvelope) => SIGN_IN_DETAIL_TYPES.has(event['detail-type']),
  deliver: async (event) => {
    const result = await handler(
      sqsEventOf([JSON.stringify(event)], 'lethe-sign-in'),
      lambdaContext('sign-in', 30_000),
    );
    if ((result?.batchItemFailures ?? []).length > 0) throw new Error('the user pool did not follow yet');
  },
});
