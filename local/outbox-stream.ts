/**
 * The local DynamoDB Streams event source mapping: reads the outbox table's
 * stream on DynamoDB Local (the Streams API on the same endpoint), hands each
 * batch of records to the real publisher handler as Lambda would, and, when
 * the handler names a failed record (ReportBatchItemFailures), reads again
 * from that record after a backoff: in order, nothing skipped. With a
 * position file (local mode's LETHE_DATA_DIR), the last accepted sequence
 * number of each shard is kept across restarts, so a restart resumes after
 * it, as Lambda's event source mapping does, instead of replaying the whole
 * stream from TRIM_HORIZON.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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
  /**
   * Where each shard's last accepted sequence number is kept (JSON), so the next start resumes after it.
   * Absent: positions live in memory and each start reads the stream from its oldest record.
   */
  readonly positionFile?: string;
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

/** What the position file holds: the stream it is about (a recreated table has a new one) and each shard's last. */
interface SavedPositions {
  readonly streamArn: string;
  readonly shards: Readonly<Record<string, string>>;
}

/** The positions saved for this stream; none when the file is missing, unreadable or about another stream. */
const readPositions = (file: string | undefined, streamArn: string): Record<string, string> => {
  if (file === undefined) return {};
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedPositions>;
    return saved.streamArn === streamArn && saved.shards ? { ...saved.shards } : {};
  } catch {
    return {};
  }
};

/** Written whole and renamed into place, so a stop mid-write never leaves half a file. */
const writePositions = (file: string, streamArn: string, shards: ReadonlyMap<string, ShardState>) => {
  const positions: SavedPositions = {
    streamArn,
    shards: Object.fromEntries([...shards].flatMap(([id, state]) => (state.last ? [[id, state.last]] : []))),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(positions, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
};

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
  const saved = readPositions(options.positionFile, arn);
  /** A shard's position moved: keep it, when there is a file to keep it in. */
  const accepted = (state: ShardState, last: string | undefined) => {
    if (last === undefined || last === state.last) return;
    state.last = last;
    if (options.positionFile) writePositions(options.positionFile, arn, shards);
  };
  let stopped = false;
  let idle = false;
  let failures = 0;

  const iteratorFor = async (shardId: string, state: ShardState) => {
    const get = (after: string | undefined) =>
      streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shardId,
          ...(after
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
    try {
      return (await get(state.last)).ShardIterator;
    } catch (error) {
      // The saved position aged out of the stream: everything still in it came after, so read from its oldest.
      if (state.last && (error as Error).name === 'TrimmedDataAccessException') {
        return (await get(undefined)).ShardIterator;
      }
      throw error;
    }
  };

  /** One pass over every shard; true when some shard had records. */
  const pass = async (): Promise<boolean> => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (shard.ShardId && !shards.has(shard.ShardId)) {
        const last = saved[shard.ShardId];
        shards.set(shard.ShardId, { closed: false, ...(last && { last }) });
      }
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
        accepted(state, Records.at(-1)?.dynamodb?.SequenceNumber);
        state.iterator = NextShardIterator;
        failures = 0;
        continue;
      }
      // Everything before the failed record went out; read again from it, after a backoff.
      const index = Records.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
      if (index > 0) accepted(state, Records[index - 1]?.dynamodb?.SequenceNumber);
      state.iterator = undefined;
      failures += 1;
      warn(
        `event publisher: the bus refused events; retrying from the first unpublished one (try ${failures})`,
      );
      await sleep(Math.min(5_000, 200 * 2 ** failures));
    }
    return busy;
  };

  let readFailures = 0;
  const loop = (async () => {
    while (!stopped) {
      try {
        idle = !(await pass());
        readFailures = 0;
      } catch (error) {
        idle = false;
        // A stale iterator (or a restart of the stand-in): start each shard again after its last accepted record.
        for (const state of shards.values()) state.iterator = undefined;
        // DynamoDB Local now and then turns down a fresh shard's first iterator as trimmed; the next pass reads
        // on from the last accepted record, so nothing is lost. Only a read that keeps failing is worth a line.
        readFailures += 1;
        if (readFailures % 20 === 2) {
          warn(`event publisher: reading the outbox stream failed (${(error as Error).name}); retrying`);
        }
        if (readFailures > 1 && !stopped) await sleep(Math.min(5_000, pollMs * 2 ** readFailures));
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
