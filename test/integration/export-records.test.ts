/**
 * Finishing an export against DynamoDB Local, with the transaction throttled
 * on the wire (a proxy in front of the stand-in): the SDK gets DynamoDB's own 400 TransactionCanceledException
 * (reasons ThrottlingError / None) for the first attempts, as a hot partition
 * answers. Only a failed condition may count as "duplicate"; a throttled
 * transaction wrote nothing and must not leave a finished archive PENDING.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoExportRecords } from '../../functions/adapters/dynamo-exports.ts';
import { Outbox } from '../../functions/adapters/dynamo-outbox.ts';
import { PENDING_POINTER } from '../../functions/core/export.ts';
import { exportsTable, outboxTable } from '../../functions/core/resources.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/app.ts';
import { doc } from './support.ts';

/**
 * A proxy in front of DynamoDB Local: it answers the next `throttleNext`
 * TransactWriteItems calls itself, as a throttled transaction, and forwards
 * everything else untouched.
 */
const throttle = { next: 0, answered: 0 };
const THROTTLED = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
  Message:
    'Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError, None]',
  CancellationReasons: [
    { Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity of your table or index.' },
    { Code: 'None' },
  ],
});

let proxy: Server;
let records: DynamoExportRecords;

beforeAll(async () => {
  const upstream = new URL(inject('dynamodbEndpoint'));
  proxy = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.headers['x-amz-target'] === 'DynamoDB_20120810.TransactWriteItems' && throttle.next > 0) {
        throttle.next -= 1;
        throttle.answered += 1;
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(THROTTLED);
        return;
      }
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: request.url,
          method: request.method,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(response);
        },
      );
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const throttledDoc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      maxAttempts: 1,
    }),
  );
  records = new DynamoExportRecords(
    throttledDoc,
    exportsTable.localName,
    new Outbox(outboxTable.localName),
    noWait,
  );
});

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
});

const noWait = { baseMs: 1, capMs: 5, attempts: 4, sleep: async () => {} };

const pendingExport = async () => {
  const accountId = `throttle-${randomUUID()}`;
  const exportId = `e-${randomUUID()}`;
  const created = await records.createPending(
    { accountId, exportId, status: 'PENDING', createdAt: new Date().toISOString() },
    Math.floor(Date.now() / 1000) + 3600,
  );
  expect(created.created).toBe(true);
  return { accountId, exportId };
};

const read = async (accountId: string, exportId: string) =>
  (
    await doc.send(
      new GetCommand({
        TableName: exportsTable.localName,
        Key: { accountId, exportId },
        ConsistentRead: true,
      }),
    )
  ).Item;

describe('finishing an export when DynamoDB throttles the transaction', () => {
  it('tries again and marks the export READY, freeing the pending slot', async () => {
    // Arrange
    const { accountId, exportId } = await pendingExport();
    throttle.answered = 0;
    throttle.next = 2;
    // Act
    const marked = await records.markReady(
      accountId,
      exportId,
      new Date().toISOString(),
      'exports/k.zip',
      10,
    );
    // Assert
    expect(throttle.answered).toBe(2);
    expect(marked).toBe(true);
    expect((await read(accountId, exportId))?.status).toBe('READY');
    expect(await read(accountId, PENDING_POINTER)).toBeUndefined();
  });

  it('throws, never answers "duplicate", when the throttling outlasts its tries', async () => {
    // Arrange
    const { accountId, exportId } = await pendingExport();
    throttle.next = 10;
    // Act / Assert: the job fails (and is retried by the queue); the record is still PENDING
    await expect(records.markReady(accountId, exportId, new Date().toISOString(), 'k', 1)).rejects.toThrow(
      /ThrottlingError|cancelled/,
    );
    throttle.next = 0;
    expect((await read(accountId, exportId))?.status).toBe('PENDING');
  });

  it('answers false only when the condition failed: the export was already finished', async () => {
    // Arrange
    const { accountId, exportId } = await pendingExport();
    await records.markFailed(accountId, exportId, new Date().toISOString(), 'export_failed');
    // Act
    const again = await records.markReady(accountId, exportId, new Date().toISOString(), 'k', 1);
    // Assert
    expect(again).toBe(false);
    expect((await read(accountId, exportId))?.status).toBe('FAILED');
  });
});
