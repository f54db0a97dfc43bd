/**
 * The local DynamoDB Streams event source keeps its place across restarts
 * when it has a position file (local mode's LETHE_DATA_DIR): a restart
 * delivers what is new and never replays what was delivered before.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/app.ts';
import { startOutboxStream } from '../../local/outbox-stream.ts';

const endpoint = inject('dynamodbEndpoint');
const ddb = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint });
const tables: string[] = [];
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lethe-outbox-stream-'));
});

afterAll(async () => {
  for (const TableName of tables) await ddb.send(new DeleteTableCommand({ TableName }));
  ddb.destroy();
  await rm(dir, { recursive: true, force: true });
});

/** A table with a stream, as the outbox table has, of this test's own. */
const streamedTable = async () => {
  const TableName = `outbox-stream-it-${randomUUID().slice(0, 8)}`;
  await ddb.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  tables.push(TableName);
  return TableName;
};

const put = (tableName: string, id: string) =>
  ddb.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: id } } }));

/** One run of the stream reader, as one `npm start`: started, caught up, stopped; the ids it delivered. */
const run = async (tableName: string, positionFile: string): Promise<string[]> => {
  const delivered: string[] = [];
  const stream = await startOutboxStream({
    ddb,
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    tableName,
    pollMs: 50,
    positionFile,
    handler: async (event: DynamoDBStreamEvent) => {
      for (const record of event.Records) delivered.push(record.dynamodb?.Keys?.id?.S ?? '?');
      return { batchItemFailures: [] };
    },
  });
  await stream.caughtUp();
  await stream.stop();
  return delivered;
};

describe('the local outbox stream across restarts', () => {
  it('resumes after the last delivered record: no replay, and a new record is delivered', async () => {
    // Arrange: three records delivered by a first run
    const table = await streamedTable();
    const positionFile = join(dir, 'outbox-stream-position.json');
    for (const id of ['a', 'b', 'c']) await put(table, id);
    expect(await run(table, positionFile)).toEqual(['a', 'b', 'c']);
    expect(JSON.parse(await readFile(positionFile, 'utf8'))).toMatchObject({ streamArn: expect.any(String) });

    // Act: a new record while stopped, then a restart with the same position file
    await put(table, 'd');
    const second = await run(table, positionFile);

    // Assert: only the new one
    expect(second).toEqual(['d']);
  });

  it('reads the stream from its oldest record when the position file is about another stream', async () => {
    // Arrange: a file left by a database since recreated (another stream ARN)
    const table = await streamedTable();
    for (const id of ['a', 'b']) await put(table, id);
    const positionFile = join(dir, 'stale.json');
    await writeFile(positionFile, JSON.stringify({ streamArn: 'arn:aws:dynamodb:gone', shards: { x: '1' } }));

    // Act
    const delivered = await run(table, positionFile);

    // Assert: everything in the stream, nothing skipped
    expect(delivered).toEqual(['a', 'b']);
  });
});
