/**
 * The local DynamoDB Streams event source mapping: reads the outbox table's
 * stream on DynamoDB Local (the Streams API on the same endpoint), hands each
 * batch of records to the real publisher handler as Lambda would, and, when
 * the handler names a failed record (ReportBatchItemFailures), reads again
 * from that record after a backoff: in order, nothing skipped.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { lambdaContext } from './lambda-context.ts';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

export interface OutboxStreamOptions {
  readonly ddb: DynamoDBClient;
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly tableName: string;
  readonly handler: StreamHandler;
  /** How often an idle shard is read again (Lambda reads a stream about four times a second). @default 250 */
  readonly pollMs?: number;
  readonly warn?: (line: string) => void;
}

export interface OutboxStream {
  /** Resolves once every record in the stream so far has been handed over and accepted. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

interface ShardState {
  iterator?: string;
  /** The last sequence number the handler accepted. */
  last?: string;
  closed: boolean;
}

const toLambdaRecord = (record: StreamRecord, arn: string, region: string): DynamoDBRecord =>
  ({
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: arn,
    dynamodb: {
      ...record.dynamodb,
      ApproximateCreationDateTime:
        record.dynamodb?.ApproximateCreationDateTime instanceof Date
          ? record.dynamodb.ApproximateCreationDateTime.getTime() / 1000
          : undefined,
    },
  }) as DynamoDBRecord;

export const startOutboxStream = async (options: OutboxStreamOptions): Promise<OutboxStream> => {
  const warn = options.warn ?? ((line: string) => console.error(line));
  const pollMs = options.pollMs ?? 250;
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
  });
  const { Table } = await options.ddb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const arn = Table?.LatestStreamArn;
  if (!arn) throw new Error(`${options.tableName} has no stream: create it with StreamSpecification`);
  const shards = new Map<string, ShardState>();
  let stopped = false;
  let idle = false;
  let failures = 0;

  const iteratorFor = async (shardId: string, state: ShardState) => {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: arn,
        ShardId: shardId,
        ...(state.last
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: state.last }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  };

  /** One pass over every shard; true when some shard had records. */
  const pass = async (): Promise<boolean> => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (shard.ShardId && !shards.has(shard.ShardId)) shards.set(shard.ShardId, { closed: false });
    }
    let busy = false;
    for (const [shardId, state] of shards) {
      if (state.closed) continue;
      state.iterator ??= await iteratorFor(shardId, state);
      if (!state.iterator) {
        state.closed = true;
        continue;
      }
      const { Records = [], NextShardIterator } = await streams.send(
        new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 100 }),
      );
      if (Records.length === 0) {
        state.iterator = NextShardIterator;
        if (!NextShardIterator) state.closed = true;
        continue;
      }
      busy = true;
      const records = Records.map((r) => toLambdaRecord(r, arn, options.region));
      const { batchItemFailures = [] } = await options.handler(
        { Records: records },
        lambdaContext('event-publisher', 60_000),
      );
      const failed = batchItemFailures[0]?.itemIdentifier;
      if (failed === undefined) {
        state.last = Records.at(-1)?.dynamodb?.SequenceNumber ?? state.last;
        state.iterator = NextShardIterator;
        failures = 0;
        continue;
      }
      // Everything before the failed record went out; read again from it, after a backoff.
      const index = Records.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
      if (index > 0) state.last = Records[index - 1]?.dynamodb?.SequenceNumber;
      state.iterator = undefined;
      failures += 1;
      warn(
        `event publisher: the bus refused events; retrying from the first unpublished one (try ${failures})`,
      );
      await sleep(Math.min(5_000, 200 * 2 ** failures));
    }
    return busy;
  };

  const loop = (async () => {
    while (!stopped) {
      try {
        idle = !(await pass());
      } catch (error) {
        idle = false;
        // A stale iterator (or a restart of the stand-in): start each shard again after its last accepted record.
        for (const state of shards.values()) state.iterator = undefined;
        warn(`event publisher: reading the outbox stream failed (${(error as Error).name}); retrying`);
      }
      if (idle && !stopped) await sleep(pollMs);
    }
  })();

  return {
    caughtUp: async () => {
      // Two idle passes in a row: every record written before the call has been seen.
      for (let quiet = 0; quiet < 2 && !stopped; ) {
        idle = false;
        while (!idle && !stopped) await sleep(20);
        quiet += 1;
      }
    },
    stop: async () => {
      stopped = true;
      await loop;
      streams.destroy();
    },
  };
};
