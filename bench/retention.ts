/**
 * Retention at scale (P9), against DynamoDB Local: `npm run bench:retention`.
 *
 * One table of 1,000,000 usage events (BENCH_RETENTION_ITEMS), 1% past their
 * window + max lag, each carrying what the host app writes with Lethe's
 * helper (`retentionAttributes`). Then:
 *   (a) Lethe's run: the sparse, sharded `lethe-retention` index, pages of
 *       2,000 keys, conditional deletes, the hold check;
 *   (b) the same expired items put back, and a Scan-based pass (Limit 5,000,
 *       a filter on the item time) that finds them the obvious way.
 * Reports items read ÷ items expired for both (target ≤ 1.1 for Lethe) and
 * expired items deleted per second.
 */
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  type WriteRequest,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoHolds } from '../functions/adapters/dynamo-holds.ts';
import { DynamoRetention } from '../functions/adapters/dynamo-retention.ts';
import type { DataMap, RetentionRule } from '../functions/core/data-map.ts';
import { parseDuration } from '../functions/core/duration.ts';
import { accountsTable } from '../functions/core/resources.ts';
import {
  deletionAgeMs,
  RETENTION_EXPIRY_ATTRIBUTE,
  retentionAttributes,
  retentionIndex,
  retentionTasks,
} from '../functions/core/retention.ts';
import { enforceRetention } from '../functions/retention/enforce-retention.ts';
import type { Candidate } from '../functions/retention/ports.ts';
import { createTableInput } from '../local/resources.ts';
import { startStandIns } from '../local/stand-ins.ts';

const knob = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const ITEMS = knob('BENCH_RETENTION_ITEMS', 1_000_000);
const EXPIRED_EVERY = 100; // 1%
const SEED_CONCURRENCY = knob('BENCH_SEED_CONCURRENCY', 6);
const PAGE_SIZE = 2_000;
const SCAN_PAGE_SIZE = 5_000;
const TARGET_RATIO = 1.1;
const TABLE = 'bench-usage-events';

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const rule: RetentionRule = {
  category: 'usage-events',
  labels: { en: 'Usage events' },
  window: 'P90D',
  stores: [{ store: 'usage-events', timeAttribute: 'at' }],
};
const map: DataMap = {
  profile: { store: 'usage-events', attributes: { email: 'email' } },
  stores: [
    {
      kind: 'dynamodb-index',
      name: 'usage-events',
      table: TABLE,
      key: { partitionKey: 'eventId' },
      index: 'byAccount',
      attribute: 'accountId',
    },
  ],
  retention: [rule],
};
const tasks = retentionTasks(map);
const DAY = 86_400_000;
const windowMs = parseDuration(rule.window);
const maxLagMs = DAY;
const intervalMs = 15 * 60_000;
const now = Date.now();
const cutoffMs = now - deletionAgeMs(windowMs, maxLagMs, intervalMs);

/** A usage event of ~150 bytes; every 100th is far past its window, the rest inside it. */
const eventOf = (i: number, expired = i % EXPIRED_EVERY === 0) => {
  const eventId = `evt-${String(i).padStart(8, '0')}`;
  const at = expired ? now - 2 * windowMs - (i % 1000) * 60_000 : now - ((i * 7919) % (windowMs - DAY));
  return {
    eventId,
    accountId: `acct-${i % 20_000}`,
    at,
    event: 'page_view',
    page: `/notes/${i % 500}`,
    ...retentionAttributes(rule, at, eventId),
  };
};

const seed = async (client: DynamoDBClient, indexes: number[], label: string): Promise<number> => {
  const started = performance.now();
  let next = 0;
  let reported = 0;
  const worker = async () => {
    for (;;) {
      const from = next;
      if (from >= indexes.length) return;
      next = Math.min(indexes.length, from + 25);
      let pending: WriteRequest[] = indexes
        .slice(from, next)
        .map((i) => ({ PutRequest: { Item: marshall(eventOf(i)) } }));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 10) throw new Error('seeding: items kept coming back unprocessed');
        const { UnprocessedItems } = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [TABLE]: pending } }),
        );
        pending = UnprocessedItems?.[TABLE] ?? [];
      }
      if (next - reported >= 100_000) {
        reported = next;
        log(`  ${label}: ${int(next)} / ${int(indexes.length)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  const ms = performance.now() - started;
  log(`  ${label}: ${int(indexes.length)} items in ${seconds(ms)}`);
  return ms;
};

const [dynamodbPort, sesPort, sqsS3Port, cognitoPort] = [
  await freePort(),
  await freePort(),
  await freePort(),
  await freePort(),
];
const standIns = await startStandIns({
  dynamodbPort,
  sesPort,
  sqsS3Port,
  cognitoPort,
  quiet: true,
});
try {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    endpoint: standIns.endpoints.dynamodb,
    maxAttempts: 8,
  });
  const doc = DynamoDBDocumentClient.from(client);
  for (const input of [
    createTableInput(TABLE, { partitionKey: 'eventId' }, [retentionIndex]),
    createTableInput(accountsTable.localName, accountsTable.key, []),
  ]) {
    await client.send(new CreateTableCommand(input));
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: input.TableName });
  }
  const all = Array.from({ length: ITEMS }, (_, i) => i);
  const expired = all.filter((i) => i % EXPIRED_EVERY === 0);
  log(`seeding ${int(ITEMS)} usage events, ${int(expired.length)} of them past window + max lag`);
  const seedMs = await seed(client, all, 'usage events');

  // (a) Lethe's run, with the real adapters.
  const source = new DynamoRetention(doc);
  const holds = new DynamoHolds(doc, accountsTable.localName);
  let holdChecks = 0;
  const started = performance.now();
  const [run] = await enforceRetention(
    tasks,
    {
      dynamo: source,
      s3: source,
      holds: {
        held: (ids) => {
          holdChecks += ids.length;
          return holds.held(ids);
        },
      },
      evidence: { record: async () => undefined },
      now: () => new Date(now),
      remainingMs: () => 15 * 60_000,
    },
    { maxLagMs, intervalMs, reserveMs: 1000, pageSize: PAGE_SIZE },
  );
  const letheMs = performance.now() - started;
  if (!run) throw new Error('no run');

  // (b) The same expired items again, found by a Scan.
  await seed(client, expired, 'expired items, put back');
  const scanStarted = performance.now();
  let scanned = 0;
  let scanDeleted = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: TABLE,
        Limit: SCAN_PAGE_SIZE,
        FilterExpression: '#at < :cutoff',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':cutoff': cutoffMs },
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    scanned += page.ScannedCount ?? 0;
    const candidates: Candidate[] = (page.Items ?? []).map((item) => ({
      accountId: String(item.accountId),
      timeMs: Number(item.at),
      ref: { key: { eventId: item.eventId }, expiresAt: Number(item[RETENTION_EXPIRY_ATTRIBUTE]) },
    }));
    const held = await holds.held([...new Set(candidates.map((c) => c.accountId ?? ''))]);
    scanDeleted += await source.remove(
      tasks[0]!,
      candidates.filter((c) => !held.has(c.accountId ?? '')),
    );
    start = page.LastEvaluatedKey;
  } while (start);
  const scanMs = performance.now() - scanStarted;

  const ratio = run.read / expired.length;
  const rows = [
    ['seed', `${int(ITEMS)} items, ${int(expired.length)} past window + max lag`, `${seconds(seedMs)}`, ''],
    [
      'Lethe (sparse sharded index)',
      `read ${int(run.read)}, deleted ${int(run.deleted)}, hold checks ${int(holdChecks)} accounts`,
      `${seconds(letheMs)}; ${int(run.deleted / (letheMs / 1000))} deleted/s`,
      `read ÷ expired = ${ratio.toFixed(3)} (target ≤ ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'})`,
    ],
    [
      'Scan-based pass',
      `read ${int(scanned)}, deleted ${int(scanDeleted)}`,
      `${seconds(scanMs)}; ${int(scanDeleted / (scanMs / 1000))} deleted/s`,
      `read ÷ expired = ${(scanned / expired.length).toFixed(1)}`,
    ],
  ];
  process.stdout.write(
    `\nRetention bench: ${int(ITEMS)} items, DynamoDB Local, ${os.cpus().length} cores, Node ${process.version}\n\n` +
      '| pass | items | time | read ratio |\n| --- | --- | --- | --- |\n' +
      rows.map((r) => `| ${r.join(' | ')} |`).join('\n') +
      '\n',
  );
  if (run.deleted !== expired.length || scanDeleted !== expired.length) {
    throw new Error(
      `expected ${expired.length} deletions in each pass, got ${run.deleted} and ${scanDeleted}`,
    );
  }
  client.destroy();
} finally {
  await standIns.stop();
}
