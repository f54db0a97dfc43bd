import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as getExport } from '../../../functions/http/get-export.ts';
import { apiEvent, type EventInput, lambdaContext } from '../../support/events.ts';
import { startFakeSqs } from '../../support/fake-sqs.ts';
import { captureOutput } from '../../support/log-capture.ts';

const ddb = mockClient(DynamoDBDocumentClient);
// request-export sends its job with SqsSender (no SQS client to mock): a local SQS endpoint, set before it loads.
const sqs = await startFakeSqs();
process.env.AWS_ENDPOINT_URL_SQS = sqs.url;
const { handler: requestExport } = await import('../../../functions/http/request-export.ts');
afterAll(() => sqs.close());
const output = captureOutput();
afterAll(() => output.stop());

type Handler = (event: never, context: never) => Promise<unknown>;
const call = async (handler: Handler, input: EventInput & { exportId?: string }) => {
  const event = apiEvent(input);
  if (input.exportId !== undefined)
    event.pathParameters = { ...event.pathParameters, exportId: input.exportId };
  return (await handler(event as never, lambdaContext as never)) as APIGatewayProxyStructuredResultV2;
};
const json = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(response.body ?? 'null');

/** Export records created `hoursAgo` each, as the Exports table would answer a Query. */
const recentExports = (...hoursAgo: number[]) =>
  hoursAgo.map((h) => ({ createdAt: new Date(Date.now() - h * 3_600_000).toISOString() }));

beforeEach(() => {
  ddb.reset();
  sqs.reset();
  ddb.on(GetCommand).resolves({});
  ddb
    .on(QueryCommand)
    .callsFake((input) =>
      input.TableName === process.env.EXPORTS_TABLE
        ? { Items: [] }
        : { Items: [{ accountId: 'u1', email: 'u1@example.com' }] },
    );
  ddb.on(TransactWriteCommand).resolves({});
});

describe('POST /v1/accounts/{accountId}/export', () => {
  it('answers 202 PENDING and sends one job', async () => {
    // Act
    const response = await call(requestExport, { method: 'POST' });
    // Assert
    expect(response.statusCode).toBe(202);
    expect(json(response)).toMatchObject({
      status: 'PENDING',
      exportId: expect.stringMatching(/^[0-9a-z]{9}-/),
    });
    expect(sqs.requests.map((r) => r.body)).toEqual([
      {
        QueueUrl: process.env.EXPORT_QUEUE_URL,
        MessageBody: JSON.stringify({ accountId: 'u1', exportId: json(response).exportId }),
      },
    ]);
  });

  it('answers 429 with Retry-After once the day’s exports are used up, and sends nothing', async () => {
    // Arrange: three exports in the last 24 hours, the oldest 20 hours before the request
    const items = recentExports(20, 5, 1);
    ddb
      .on(QueryCommand)
      .callsFake((input) =>
        input.TableName === process.env.EXPORTS_TABLE
          ? { Items: items }
          : { Items: [{ accountId: 'u1', email: 'u1@example.com' }] },
      );
    // Act
    const response = await call(requestExport, { method: 'POST' });
    // Assert
    expect(response.statusCode).toBe(429);
    expect(json(response).error.code).toBe('too_many_requests');
    const retryAfter = Number(response.headers?.['retry-after']);
    expect(retryAfter).toBeGreaterThan(4 * 3600 - 5);
    expect(retryAfter).toBeLessThanOrEqual(4 * 3600);
    expect(sqs.requests).toEqual([]);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it("refuses another user's account with 403 before reading anything", async () => {
    const response = await call(requestExport, { method: 'POST', accountId: 'u2', claims: { sub: 'u1' } });
    expect(response.statusCode).toBe(403);
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('GET /v1/accounts/{accountId}/exports/{exportId}', () => {
  it('answers 400 for a malformed export id and 404 for an unknown one', async () => {
    expect((await call(getExport, { exportId: '../../etc' })).statusCode).toBe(400);
    expect((await call(getExport, { exportId: '000000000-000000000000' })).statusCode).toBe(404);
  });

  it('answers READY with a presigned link to the archive and its expiry', async () => {
    // Arrange
    ddb.on(GetCommand).resolves({
      Item: {
        accountId: 'u1',
        exportId: '000000000-000000000000',
        status: 'READY',
        createdAt: '2026-11-27T10:00:00.000Z',
        objectKey: 'exports/u1/000000000-000000000000.zip',
        ttl: 1,
      },
    });
    // Act
    const response = await call(getExport, { exportId: '000000000-000000000000' });
    // Assert
    expect(response.statusCode).toBe(200);
    const body = json(response);
    expect(body).not.toHaveProperty('ttl');
    expect(body.downloadUrl).toContain('exports/u1/000000000-000000000000.zip');
    expect(body.downloadUrl).toContain('X-Amz-Expires=86400');
  });
});
