/**
 * `npm run bench:enforce`: measures the enforcement path against DynamoDB Local, in one run:
 *
 *   (a) the sweep over many lifecycle records of which 1% are due: items read per due account through the
 *       sparse sharded `due` index (the real `sweep` use case and `DynamoPurgeState`), next to a Scan-based
 *       sweep doing the same claims;
 *   (b) one account's 100k-item `dynamodb-partition` store purged by `DynamoPurger`: BatchWriteItem requests,
 *       and all its requests (key Queries too), per ⌈items / 25⌉, and items/s against a per-item DeleteItem
 *       loop at the same concurrency (one request in flight, as `DynamoPurger` has), and items/s next to the
 *       same purger reading 1,000 keys a Query instead of 5,000 (run second, on a warmer table);
 *   (c) a 1M-item account purged by the real `purgeAccount` use case under a small simulated per-invocation
 *       budget, continuing through a fake queue until the outcome is `purged`.
 *
 * It starts its own stand-ins on free ports (never the local-mode defaults) and stops them at the end.
 * Sizes and the budget are env knobs; targets are reported, never asserted: the script always exits 0.
 *
 *   BENCH_SWEEP_RECORDS (1000000)  lifecycle records in (a); 1% of them due
 *   BENCH_PURGE_ITEMS   (100000)   items in each of the two partitions of (b)
 *   BENCH_LARGE_ITEMS   (1000000)  items of the large account in (c)
 *   BENCH_BUDGET_MS     (10000)    simulated invocation budget in (c)
 *   BENCH_RESERVE_MS    (2000)     reserve: continue in a new message when less than this is left
 *   BENCH_SEED_CONCURRENCY (6)     BatchWriteItem requests in flight while seeding
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type WriteRequest,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DataMapPurger } from '../functions/adapters/data-map-purger.ts';
import { AuditLog } from '../functions/adapters/dynamo-audit.ts';
import { Outbox } from '../functions/adapters/dynamo-outbox.ts';
import { DynamoPurgeState } from '../functions/adapters/dynamo-purge-state.ts';
import { DEFAULT_READ_SIZE, DynamoPurger } from '../functions/adapters/dynamo-purger.ts';
import { S3Purger } from '../functions/adapters/s3-purger.ts';
import type { DataMap, DynamoPartitionStore } from '../functions/core/data-map.ts';
import { DUE_SHARDS, dueShardOf } from '../functions/core/lifecycle.ts';
import { startPurge } from '../functions/core/purge.ts';
import { accountsTable, auditTable, outboxTable } from '../functions/core/resources.ts';
import { tombstoneKey } from '../functions/core/subject.ts';
import type { PurgeJob, PurgeQueue } from '../functions/enforcement/ports.ts';
import { type PurgeOutcome, purgeAccount } from '../functions/enforcement/purge.ts';
import { sweep } from '../functions/enforcement/sweep.ts';
import { distinctFreePorts } from '../local/free-port.ts';
import { createResources, createTableInput } from '../local/resources.ts';
import { startStandIns } from '../local/stand-ins.ts';

const knob = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

const SWEEP_RECORDS = knob('BENCH_SWEEP_RECORDS', 1_000_000);
const DUE_EVERY = 100; // 1% due
const PURGE_ITEMS = knob('BENCH_PURGE_ITEMS', 100_000);
const LARGE_ITEMS = knob('BENCH_LARGE_ITEMS', 1_000_000);
const BUDGET_MS = knob('BENCH_BUDGET_MS', 10_000);
const RESERVE_MS = knob('BENCH_RESERVE_MS', 2_000);
const SEED_CONCURRENCY = knob('BENCH_SEED_CONCURRENCY', 6);
/** The sweeper's production page size (LETHE_SWEEP_PAGE_SIZE default in functions/workers/enforcement-deps.ts). */
const SWEEP_PAGE_SIZE = 500;
/** Scan page for the Scan-based sweep: DynamoDB Local pages are only fast with a Limit of a few thousand. */
const SCAN_PAGE_SIZE = 5_000;
const KEY_PAGE_SIZE = 1_000;

const TARGET_SWEEP_RATIO = 1.1;
const TARGET_WRITE_RATIO = 1.05;
const TARGET_REQUEST_RATIO = 1.01;
const TARGET_SPEEDUP = 10;

const TEST_SUBJECT_KEY = 'bench-subject-key-not-a-secret';
const AUDIT_RETENTION_MS = 1095 * 24 * 3600 * 1000;
const PURGE_TABLE = 'bench-purge';

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------------------------
// Ports, clients, counters

/** HTTP attempts per operation (SDK retries included), time in each, and items evaluated by Query and Scan. */
class Counters {
  requests = new Map<string, number>();
  /** Wall time spent in send(), by operation; overlapping calls add up. */
  elapsed = new Map<string, number>();
  scanned = 0;

  reset(): void {
    this.requests.clear();
    this.elapsed.clear();
    this.scanned = 0;
  }

  of(command: string): number {
    return this.requests.get(command) ?? 0;
  }

  msIn(command: string): number {
    return this.elapsed.get(command) ?? 0;
  }
}

const countingClient = (endpoint: string): { client: DynamoDBClient; counters: Counters } => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    // As in production (functions/commons/clients.ts).
    maxAttempts: 8,
  });
  const counters = new Counters();
  // Inside the retry middleware: every HTTP attempt counts, SDK retries included.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counters.requests.set(name, counters.of(name) + 1);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'benchCountAttempts' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      const started = performance.now();
      const result = await next(args);
      counters.elapsed.set(name, counters.msIn(name) + performance.now() - started);
      const scanned = (result.output as { ScannedCount?: unknown }).ScannedCount;
      if (typeof scanned === 'number') counters.scanned += scanned;
      return result;
    },
    { step: 'initialize', name: 'benchCountScanned' },
  );
  return { client, counters };
};

class CountingQueue implements PurgeQueue {
  readonly jobs: PurgeJob[] = [];
  sent = 0;

  async send(jobs: readonly PurgeJob[]): Promise<void> {
    this.jobs.push(...jobs);
    this.sent += jobs.length;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// DynamoDB Local's memory, watched with ps

class JvmWatch {
  peakKb = 0;
  private pid: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly port: number) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  /** CPU time DynamoDB Local has used so far (user + system), in ms; 0 when it cannot be seen. */
  cpuMs(): number {
    if (this.pid === undefined) this.sample();
    try {
      const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      // utime and stime, in clock ticks of 10 ms (fields 14 and 15 of proc(5)).
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return 0;
    }
  }

  /** Resident memory now, in KB; 0 when the process cannot be seen. */
  sample(): number {
    try {
      const lines = execFileSync('ps', ['-eo', 'pid=,rss=,args='], { encoding: 'utf8' }).split('\n');
      for (const line of lines) {
        const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
        if (!match) continue;
        const [, pid, rss, args] = match;
        const ours =
          this.pid === undefined
            ? /java/.test(args ?? '') &&
              /DynamoDBLocal\.jar/.test(args ?? '') &&
              new RegExp(`-port ${this.port}(\\s|$)`).test(args ?? '')
            : Number(pid) === this.pid;
        if (ours && !(args ?? '').startsWith('/bin/sh')) {
          this.pid = Number(pid);
          const kb = Number(rss);
          this.peakKb = Math.max(this.peakKb, kb);
          return kb;
        }
      }
    } catch {
      // ps missing: memory goes unreported.
    }
    return 0;
  }
}

const gb = (kb: number) => `${(kb / 1024 / 1024).toFixed(2)} GB`;

// ---------------------------------------------------------------------------------------------------------------
// Seeding: BatchWriteItem, 25 a request, several in flight

const seed = async (
  client: DynamoDBClient,
  table: string,
  count: number,
  item: (i: number) => Record<string, AttributeValue>,
  label: string,
): Promise<number> => {
  const started = performance.now();
  let next = 0;
  let done = 0;
  let reported = 0;
  const worker = async () => {
    for (;;) {
      const from = next;
      if (from >= count) return;
      next = Math.min(count, from + 25);
      let pending: WriteRequest[] = [];
      for (let i = from; i < next; i += 1) pending.push({ PutRequest: { Item: item(i) } });
      const size = pending.length;
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 10) throw new Error(`seeding ${table}: items kept coming back unprocessed`);
        const { UnprocessedItems } = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
        );
        pending = UnprocessedItems?.[table] ?? [];
      }
      done += size;
      if (done - reported >= 100_000) {
        reported = done;
        const rate = done / ((performance.now() - started) / 1000);
        log(`  ${label}: ${int(done)} / ${int(count)} (${int(rate)} items/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  const ms = performance.now() - started;
  log(`  ${label}: ${int(count)} items in ${seconds(ms)} (${int(count / (ms / 1000))} items/s)`);
  return ms;
};

/** A content item of a host app: partition per account, ~120 bytes of payload. */
const contentItem =
  (pk: string) =>
  (i: number): Record<string, AttributeValue> => ({
    pk: { S: pk },
    sk: { S: `NOTE#${String(i).padStart(8, '0')}` },
    title: { S: `Note ${i}` },
    body: {
      S: `Body of note ${i}: lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.`,
    },
    updatedAt: { S: '2024-05-01T12:00:00.000Z' },
  });

/** Items left in one partition, read a page at a time with a Limit. */
const countPartition = async (client: DynamoDBClient, table: string, pk: string): Promise<number> => {
  let total = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        Select: 'COUNT',
        ConsistentRead: true,
        Limit: 5_000,
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    total += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return total;
};

// ---------------------------------------------------------------------------------------------------------------
// The report

interface Row {
  scenario: string;
  measured: string;
  target: string;
  verdict: 'PASS' | 'FAIL' | 'info';
}

const rows: Row[] = [];
const row = (scenario: string, measured: string, target = '—', pass?: boolean) =>
  rows.push({ scenario, measured, target, verdict: pass === undefined ? 'info' : pass ? 'PASS' : 'FAIL' });

const printTable = () => {
  const header = ['scenario', 'measured', 'target', 'result'];
  const cells = rows.map((r) => [r.scenario, r.measured, r.target, r.verdict]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
};

// ---------------------------------------------------------------------------------------------------------------
// (a) The sweep: `due` index vs Scan

const accountIdOf = (i: number) => `acct-${String(i).padStart(7, '0')}`;
const DAY_MS = 24 * 3600 * 1000;
const deactivatedLongAgo = Date.now() - 40 * DAY_MS;

/** A deactivated account past its 30-day grace period: the only kind that carries `dueShard`. */
const dueRecord = (accountId: string, i: number): Record<string, AttributeValue> => ({
  accountId: { S: accountId },
  status: { S: 'DEACTIVATED' },
  deactivatedAt: { S: new Date(deactivatedLongAgo + i).toISOString() },
  purgeAfter: { S: new Date(deactivatedLongAgo + i + 30 * DAY_MS).toISOString() },
  dueShard: { S: dueShardOf(accountId) },
  notices: { L: [] },
});

const benchSweep = async (
  client: DynamoDBClient,
  counters: Counters,
  state: DynamoPurgeState,
  audit: AuditLog,
  doc: DynamoDBDocumentClient,
) => {
  const due = Math.floor((SWEEP_RECORDS - 1) / DUE_EVERY) + 1;
  log(`(a) seeding ${int(SWEEP_RECORDS)} lifecycle records, ${int(due)} of them due`);
  const seedMs = await seed(
    client,
    accountsTable.localName,
    SWEEP_RECORDS,
    (i) =>
      i % DUE_EVERY === 0
        ? dueRecord(accountIdOf(i), i)
        : { accountId: { S: accountIdOf(i) }, status: { S: 'ACTIVE' } },
    'lifecycle records',
  );
  row(`(a) seed ${int(SWEEP_RECORDS)} lifecycle records`, `${seconds(seedMs)}`);

  // Warm DynamoDB Local's JIT on a throwaway table first: otherwise whichever sweep runs first pays for it.
  await warmUp(client, doc, audit);

  // Lethe's sweep. A 1 ms lease lets the Scan sweep below re-claim the very same accounts through the same
  // conditional write (a PURGING account whose lease ran out), so both do identical claim work.
  log('(a) sweep through the due index');
  const queue = new CountingQueue();
  counters.reset();
  let started = performance.now();
  const result = await indexSweep(state, queue);
  const indexMs = performance.now() - started;
  const indexRead = counters.scanned;
  const indexQueries = counters.of('QueryCommand');
  const indexReadMs = counters.msIn('QueryCommand');
  const indexTransactions = counters.of('TransactWriteItemsCommand');
  log(
    `  read ${int(result.read)} (ScannedCount ${int(indexRead)}, ${indexQueries} Queries), claimed ${int(result.claimed)} (${int(indexTransactions)} TransactWriteItems), enqueued ${int(queue.sent)} in ${seconds(indexMs)}`,
  );

  log('(a) sweep by Scan');
  const scanQueue = new CountingQueue();
  counters.reset();
  started = performance.now();
  const scanClaimed = await scanSweep(doc, state, accountsTable.localName, scanQueue);
  const scanMs = performance.now() - started;
  const scanRead = counters.scanned;
  const scans = counters.of('ScanCommand');
  const scanReadMs = counters.msIn('ScanCommand');
  const scanTransactions = counters.of('TransactWriteItemsCommand');
  log(
    `  scanned ${int(scanRead)} (${scans} Scans), claimed ${int(scanClaimed)} (${int(scanTransactions)} TransactWriteItems), enqueued ${int(scanQueue.sent)} in ${seconds(scanMs)}`,
  );

  const ratio = indexRead / due;
  row(
    `(a) sweep via due index: items read ÷ due (${int(due)} due of ${int(SWEEP_RECORDS)})`,
    `${ratio.toFixed(3)} (${int(indexRead)} read in ${indexQueries} Queries, ${seconds(indexReadMs)})`,
    `≤ ${TARGET_SWEEP_RATIO}`,
    ratio <= TARGET_SWEEP_RATIO && result.claimed === due && result.complete,
  );
  row(
    '(a) sweep via Scan: ScannedCount ÷ due',
    `${(scanRead / due).toFixed(1)} (${int(scanRead)} read in ${scans} Scans, ${seconds(scanReadMs)})`,
  );
  row(
    `(a) wall time incl. claims (${int(result.claimed)} / ${int(scanClaimed)}): due index / Scan`,
    `${seconds(indexMs)} / ${seconds(scanMs)}`,
  );
};

/** The real sweep use case over every shard, with no time limit. */
const indexSweep = (state: DynamoPurgeState, queue: PurgeQueue) =>
  sweep(
    { due: state, claims: state, queue, now: () => new Date(), remainingMs: () => Number.POSITIVE_INFINITY },
    { reserveMs: 0, leaseMs: 1, pageSize: SWEEP_PAGE_SIZE, shards: DUE_SHARDS },
  );

/**
 * A Scan-based sweep: the whole table a page at a time, filtered to what the claim would accept (the same
 * condition `DynamoPurgeState.claim` writes with), then the same claims and enqueue as the real sweep.
 */
const scanSweep = async (
  doc: DynamoDBDocumentClient,
  state: DynamoPurgeState,
  table: string,
  queue: PurgeQueue,
  pageSize = SCAN_PAGE_SIZE,
): Promise<number> => {
  const now = new Date().toISOString();
  const leaseUntil = new Date(Date.parse(now) + 1).toISOString();
  let claimed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression:
          '(#status = :deactivated AND purgeAfter <= :now AND attribute_not_exists(legalHold)) OR ' +
          '(#status = :purging AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':deactivated': 'DEACTIVATED', ':purging': 'PURGING', ':now': now },
        ProjectionExpression: 'accountId',
        Limit: pageSize,
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    const won = await Promise.all(
      (page.Items ?? []).map(async (item) => {
        const accountId = String(item.accountId);
        return (await state.claim(accountId, now, leaseUntil, startPurge(now))) ? accountId : undefined;
      }),
    );
    const jobs = won.filter((id): id is string => id !== undefined).map((accountId) => ({ accountId }));
    await queue.send(jobs);
    claimed += jobs.length;
    start = page.LastEvaluatedKey;
  } while (start);
  return claimed;
};

const WARM_UP_TABLE = 'bench-warm-up-accounts';
const WARM_UP_RECORDS = 4_000;

/** Both sweeps, twice, on a small throwaway accounts table, unmeasured. */
const warmUp = async (client: DynamoDBClient, doc: DynamoDBDocumentClient, audit: AuditLog) => {
  log(`(a) warming up on ${int(WARM_UP_RECORDS)} due records in a throwaway table`);
  await client.send(
    new CreateTableCommand(createTableInput(WARM_UP_TABLE, accountsTable.key, accountsTable.indexes)),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: WARM_UP_TABLE });
  await seed(client, WARM_UP_TABLE, WARM_UP_RECORDS, (i) => dueRecord(`warm-${i}`, i), 'warm-up records');
  const state = new DynamoPurgeState(doc, WARM_UP_TABLE, audit, new Outbox(outboxTable.localName));
  for (let round = 0; round < 2; round += 1) {
    await indexSweep(state, new CountingQueue());
    await new Promise((resolve) => setTimeout(resolve, 5));
    await scanSweep(doc, state, WARM_UP_TABLE, new CountingQueue(), SWEEP_PAGE_SIZE);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

// ---------------------------------------------------------------------------------------------------------------
// (b) One account's partition: DynamoPurger vs a DeleteItem loop

const benchPurger = async (client: DynamoDBClient, counters: Counters) => {
  await client.send(
    new CreateTableCommand(createTableInput(PURGE_TABLE, { partitionKey: 'pk', sortKey: 'sk' }, [])),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: PURGE_TABLE });
  log(`(b) seeding three partitions of ${int(PURGE_ITEMS)} items`);
  const seedMs =
    (await seed(client, PURGE_TABLE, PURGE_ITEMS, contentItem('USER#batch'), 'partition USER#batch')) +
    (await seed(client, PURGE_TABLE, PURGE_ITEMS, contentItem('USER#pages'), 'partition USER#pages')) +
    (await seed(client, PURGE_TABLE, PURGE_ITEMS, contentItem('USER#single'), 'partition USER#single'));
  row(`(b) seed 3 × ${int(PURGE_ITEMS)} items`, seconds(seedMs));

  const store: DynamoPartitionStore = {
    kind: 'dynamodb-partition',
    name: 'bench',
    table: PURGE_TABLE,
    key: { partitionKey: 'pk', sortKey: 'sk' },
    keyTemplate: 'USER#{accountId}',
  };

  log('(b) DynamoPurger: Query keys + BatchWriteItem');
  const purger = new DynamoPurger(client);
  counters.reset();
  let cpuStart = jvm.cpuMs();
  let started = performance.now();
  let deleted = 0;
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await purger.purgePage(store, 'batch', cursor);
    deleted += page.deleted;
    cursor = page.cursor;
    pages += 1;
  } while (cursor !== undefined);
  const batchMs = performance.now() - started;
  const batchCpuMs = jvm.cpuMs() - cpuStart;
  const batchWrites = counters.of('BatchWriteItemCommand');
  const batchQueries = counters.of('QueryCommand');
  const batchLeft = await countPartition(client, PURGE_TABLE, 'USER#batch');
  log(
    `  ${int(deleted)} deleted in ${seconds(batchMs)}, ${pages} pages, ${batchWrites} BatchWriteItem, ${batchQueries} Query, ${batchLeft} left`,
  );

  // The same purger reading 1,000 keys a Query, as it used to, run second (on a warmer, smaller table).
  log(`(b) DynamoPurger reading ${int(KEY_PAGE_SIZE)} keys a Query`);
  const smallPages = new DynamoPurger(client, { readSize: KEY_PAGE_SIZE });
  counters.reset();
  started = performance.now();
  let smallDeleted = 0;
  cursor = undefined;
  do {
    const page = await smallPages.purgePage(store, 'pages', cursor);
    smallDeleted += page.deleted;
    cursor = page.cursor;
  } while (cursor !== undefined);
  const smallMs = performance.now() - started;
  const smallRequests = counters.of('BatchWriteItemCommand') + counters.of('QueryCommand');
  const smallLeft = await countPartition(client, PURGE_TABLE, 'USER#pages');
  log(`  ${int(smallDeleted)} deleted in ${seconds(smallMs)}, ${smallRequests} requests, ${smallLeft} left`);

  log('(b) DeleteItem loop: paged Query (Limit 1000) + one DeleteItem at a time');
  counters.reset();
  cpuStart = jvm.cpuMs();
  started = performance.now();
  let singleDeleted = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: PURGE_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'USER#single' } },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
        Limit: KEY_PAGE_SIZE,
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    for (const item of page.Items ?? []) {
      await client.send(
        new DeleteItemCommand({
          TableName: PURGE_TABLE,
          Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
        }),
      );
      singleDeleted += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  const singleMs = performance.now() - started;
  const singleCpuMs = jvm.cpuMs() - cpuStart;
  const singleLeft = await countPartition(client, PURGE_TABLE, 'USER#single');
  log(`  ${int(singleDeleted)} deleted in ${seconds(singleMs)}, ${singleLeft} left`);

  const expected = Math.ceil(PURGE_ITEMS / 25);
  const writeRatio = batchWrites / expected;
  const batchRate = deleted / (batchMs / 1000);
  const singleRate = singleDeleted / (singleMs / 1000);
  const speedup = batchRate / singleRate;
  row(
    `(b) purge ${int(PURGE_ITEMS)} items: BatchWriteItem requests ÷ ⌈items/25⌉`,
    `${writeRatio.toFixed(3)} (${int(batchWrites)} ÷ ${int(expected)}; ${batchLeft} left)`,
    `≤ ${TARGET_WRITE_RATIO}`,
    writeRatio <= TARGET_WRITE_RATIO && deleted === PURGE_ITEMS && batchLeft === 0,
  );
  row(
    '(b) DynamoPurger vs DeleteItem loop (both 1 request in flight)',
    `${speedup.toFixed(1)}× (${int(batchRate)} vs ${int(singleRate)} items/s)`,
    `≥ ${TARGET_SPEEDUP}×`,
    speedup >= TARGET_SPEEDUP && singleLeft === 0,
  );
  const requestRatio = (batchWrites + batchQueries) / expected;
  row(
    `(b) purge ${int(PURGE_ITEMS)} items: all requests (Query + BatchWriteItem) ÷ ⌈items/25⌉`,
    `${requestRatio.toFixed(4)} (${int(batchQueries)} Query + ${int(batchWrites)} BatchWriteItem ÷ ${int(expected)})`,
    `≤ ${TARGET_REQUEST_RATIO}`,
    requestRatio <= TARGET_REQUEST_RATIO && deleted === PURGE_ITEMS && batchLeft === 0,
  );
  row(
    `(b) DynamoPurger reading ${int(DEFAULT_READ_SIZE)} vs ${int(KEY_PAGE_SIZE)} keys a Query: items/s (requests ÷ ⌈items/25⌉)`,
    `${int(batchRate)} vs ${int(smallDeleted / (smallMs / 1000))} (${requestRatio.toFixed(4)} vs ${(smallRequests / expected).toFixed(4)}; ${smallLeft} left)`,
  );
  row('(b) wall time: DynamoPurger / DeleteItem loop', `${seconds(batchMs)} / ${seconds(singleMs)}`);
  row(
    '(b) DynamoDB Local CPU per item deleted: DynamoPurger / DeleteItem loop',
    `${((batchCpuMs / Math.max(1, deleted)) * 1000).toFixed(0)} µs / ${((singleCpuMs / Math.max(1, singleDeleted)) * 1000).toFixed(0)} µs`,
  );
};

// ---------------------------------------------------------------------------------------------------------------
// (c) A large account under a small per-invocation budget

const LARGE_ACCOUNT = 'large-0001';

const benchMap: DataMap = {
  profile: { store: 'profiles', attributes: { email: 'email', locale: 'locale' } },
  stores: [
    {
      kind: 'dynamodb-partition',
      name: 'content',
      table: 'bench-content',
      key: { partitionKey: 'pk', sortKey: 'sk' },
      keyTemplate: 'USER#{accountId}',
    },
    {
      kind: 'dynamodb-partition',
      name: 'profiles',
      table: 'bench-profiles',
      key: { partitionKey: 'accountId' },
      keyTemplate: '{accountId}',
    },
  ],
};

const benchLargeAccount = async (
  client: DynamoDBClient,
  counters: Counters,
  state: DynamoPurgeState,
  audit: AuditLog,
  s3: S3Client,
) => {
  log(`(c) seeding one account with ${int(LARGE_ITEMS)} items`);
  const seedMs = await seed(
    client,
    'bench-content',
    LARGE_ITEMS,
    contentItem(`USER#${LARGE_ACCOUNT}`),
    'large partition',
  );
  row(`(c) seed ${int(LARGE_ITEMS)} items in one partition`, seconds(seedMs));
  await client.send(
    new BatchWriteItemCommand({
      RequestItems: {
        'bench-profiles': [
          {
            PutRequest: {
              Item: {
                accountId: { S: LARGE_ACCOUNT },
                email: { S: 'large@example.com' },
                locale: { S: 'en' },
              },
            },
          },
        ],
        [accountsTable.localName]: [
          {
            PutRequest: {
              Item: {
                accountId: { S: LARGE_ACCOUNT },
                status: { S: 'DEACTIVATED' },
                deactivatedAt: { S: '2024-01-01T00:00:00.000Z' },
                purgeAfter: { S: '2024-01-31T00:00:00.000Z' },
                dueShard: { S: dueShardOf(LARGE_ACCOUNT) },
              },
            },
          },
        ],
      },
    }),
  );
  const claimedAt = new Date().toISOString();
  const lease = new Date(Date.parse(claimedAt) + 15 * 60_000).toISOString();
  if (!(await state.claim(LARGE_ACCOUNT, claimedAt, lease, startPurge(claimedAt)))) {
    throw new Error('(c) the claim of the large account failed');
  }

  const queue = new CountingQueue();
  await queue.send([{ accountId: LARGE_ACCOUNT }]);
  const purger = new DataMapPurger(new DynamoPurger(client), new S3Purger(s3));
  const outcomes = new Map<PurgeOutcome, number>();
  let invocations = 0;
  let longestMs = 0;
  let pages = 0;
  let outcome: PurgeOutcome | undefined;
  log(`(c) purging under a ${BUDGET_MS} ms budget with a ${RESERVE_MS} ms reserve`);
  counters.reset();
  const started = performance.now();
  while (outcome !== 'purged') {
    const job = queue.jobs.shift();
    if (!job) throw new Error(`(c) the queue ran dry before the purge finished (last outcome ${outcome})`);
    const invocationStart = performance.now();
    const step = await purgeAccount(
      {
        map: benchMap,
        claims: state,
        purger,
        processors: {
          requestDeletion: async () => {
            throw new Error('no processors in the bench map');
          },
        },
        queue,
        now: () => new Date(),
        remainingMs: () => BUDGET_MS - (performance.now() - invocationStart),
      },
      job.accountId,
      { reserveMs: RESERVE_MS, leaseMs: 15 * 60_000, backupWindowMs: 35 * 24 * 3600 * 1000 },
    );
    const ms = performance.now() - invocationStart;
    longestMs = Math.max(longestMs, ms);
    invocations += 1;
    pages += step.pages;
    outcome = step.outcome;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (outcome !== 'continued' && outcome !== 'purged') throw new Error(`(c) unexpected outcome ${outcome}`);
    if (invocations % 10 === 0) log(`  ${invocations} invocations, ${pages} pages, ${seconds(ms)} last`);
  }
  const totalMs = performance.now() - started;
  const batchWrites = counters.of('BatchWriteItemCommand');
  const left = await countPartition(client, 'bench-content', `USER#${LARGE_ACCOUNT}`);
  const profile = await client.send(
    new GetItemCommand({ TableName: 'bench-profiles', Key: { accountId: { S: LARGE_ACCOUNT } } }),
  );
  const record = await client.send(
    new GetItemCommand({ TableName: accountsTable.localName, Key: { accountId: { S: LARGE_ACCOUNT } } }),
  );
  const tombstone = await client.send(
    new GetItemCommand({
      TableName: accountsTable.localName,
      Key: { accountId: { S: tombstoneKey(audit.subjectOf(LARGE_ACCOUNT)) } },
    }),
  );
  const receipt = await audit.receipt(LARGE_ACCOUNT);
  const receiptCount = receipt?.targets.find((t) => t.name === 'content')?.deleted ?? -1;
  const continuations = outcomes.get('continued') ?? 0;
  log(
    `  purged in ${seconds(totalMs)}: ${invocations} invocations, ${pages} pages, ${left} left, receipt ${int(receiptCount)}, longest invocation ${seconds(longestMs)}`,
  );

  const complete =
    left === 0 &&
    receiptCount === LARGE_ITEMS &&
    profile.Item === undefined &&
    record.Item === undefined &&
    tombstone.Item?.status?.S === 'PURGED';
  row(
    `(c) purge ${int(LARGE_ITEMS)} items, ${seconds(BUDGET_MS)} budget / ${seconds(RESERVE_MS)} reserve: all gone, receipt = items`,
    `${int(left)} left, receipt ${int(receiptCount)}, tombstone ${tombstone.Item ? 'yes' : 'no'}`,
    `0 left, receipt ${int(LARGE_ITEMS)}`,
    complete,
  );
  row('(c) continuations / invocations / pages', `${continuations} / ${invocations} / ${pages}`);
  row(
    '(c) longest invocation (must stay within the budget)',
    seconds(longestMs),
    `≤ ${seconds(BUDGET_MS)}`,
    longestMs <= BUDGET_MS,
  );
  row(
    '(c) total purge time (items/s)',
    `${seconds(totalMs)} (${int(LARGE_ITEMS / (totalMs / 1000))} items/s; ${int(batchWrites)} BatchWriteItem ÷ ${int(Math.ceil(LARGE_ITEMS / 25))})`,
  );
};

// ---------------------------------------------------------------------------------------------------------------
// Main

const benchStarted = performance.now();
const loadAtStart = os.loadavg()[0] ?? 0;
const [dynamodbPort, sesPort, sqsS3Port, cognitoPort] = (await distinctFreePorts(4)) as [
  number,
  number,
  number,
  number,
];
log(`starting stand-ins: DynamoDB Local on ${dynamodbPort}, SES on ${sesPort}, SQS/S3 on ${sqsS3Port}`);
const standIns = await startStandIns({ dynamodbPort, sesPort, sqsS3Port, cognitoPort, quiet: true });
const jvm = new JvmWatch(dynamodbPort);
jvm.start();
const phaseMemory: string[] = [];
try {
  const { client, counters } = countingClient(standIns.endpoints.dynamodb);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const s3 = new S3Client({
    endpoint: standIns.endpoints.s3,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    forcePathStyle: true,
  });
  await createResources(client, s3, benchMap);
  const audit = new AuditLog(doc, auditTable.localName, TEST_SUBJECT_KEY, AUDIT_RETENTION_MS);
  const state = new DynamoPurgeState(doc, accountsTable.localName, audit, new Outbox(outboxTable.localName));

  const phases: [string, () => Promise<void>][] = [
    ['a', () => benchSweep(client, counters, state, audit, doc)],
    ['b', () => benchPurger(client, counters)],
    ['c', () => benchLargeAccount(client, counters, state, audit, s3)],
  ];
  for (const [name, run] of phases) {
    try {
      await run();
    } catch (error) {
      log(`(${name}) failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      row(`(${name}) failed`, error instanceof Error ? error.message : String(error), '—', false);
    }
    phaseMemory.push(`${name} ${gb(jvm.sample())}`);
  }
  client.destroy();
  s3.destroy();
} finally {
  jvm.stop();
  await standIns.stop();
}

row(
  'DynamoDB Local resident memory: peak (after a / b / c)',
  `${gb(jvm.peakKb)} (${phaseMemory.join(', ')})`,
);
row('bench runtime', seconds(performance.now() - benchStarted));
row(
  `machine load (1-min load average, ${os.cpus().length} cores): start / end`,
  `${loadAtStart.toFixed(1)} / ${(os.loadavg()[0] ?? 0).toFixed(1)}`,
);
console.log('');
printTable();
