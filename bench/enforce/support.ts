/** bench:enforce's shared support: the env knobs and targets, counting clients and queue, DynamoDB Local's memory watch, seeding, and the report table. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  QueryCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { PurgeJob, PurgeQueue } from '../../functions/enforcement/ports.ts';

export const knob = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

export const SWEEP_RECORDS = knob('BENCH_SWEEP_RECORDS', 1_000_000);
export const DUE_EVERY = 100; // 1% due
export const PURGE_ITEMS = knob('BENCH_PURGE_ITEMS', 100_000);
export const LARGE_ITEMS = knob('BENCH_LARGE_ITEMS', 1_000_000);
export const BUDGET_MS = knob('BENCH_BUDGET_MS', 10_000);
export const RESERVE_MS = knob('BENCH_RESERVE_MS', 2_000);
export const SEED_CONCURRENCY = knob('BENCH_SEED_CONCURRENCY', 6);
/** The sweeper's production page size (LETHE_SWEEP_PAGE_SIZE default in functions/workers/enforcement-deps.ts). */
export const SWEEP_PAGE_SIZE = 500;
/** Scan page for the Scan-based sweep: DynamoDB Local pages are only fast with a Limit of a few thousand. */
export const SCAN_PAGE_SIZE = 5_000;
export const KEY_PAGE_SIZE = 1_000;

export const TARGET_SWEEP_RATIO = 1.1;
export const TARGET_WRITE_RATIO = 1.05;
export const TARGET_REQUEST_RATIO = 1.01;
export const TARGET_SPEEDUP = 10;

export const TEST_SUBJECT_KEY = 'bench-subject-key-not-a-secret';
export const AUDIT_RETENTION_MS = 1095 * 24 * 3600 * 1000;
export const PURGE_TABLE = 'bench-purge';

export const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const int = (n: number) => Math.round(n).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------------------------
// Ports, clients, counters

/** HTTP attempts per operation (SDK retries included), time in each, and items evaluated by Query and Scan. */
export class Counters {
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

export const countingClient = (endpoint: string): { client: DynamoDBClient; counters: Counters } => {
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

export class CountingQueue implements PurgeQueue {
  readonly jobs: PurgeJob[] = [];
  sent = 0;

  async send(jobs: readonly PurgeJob[]): Promise<void> {
    this.jobs.push(...jobs);
    this.sent += jobs.length;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// DynamoDB Local's memory, watched with ps

export class JvmWatch {
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

export const gb = (kb: number) => `${(kb / 1024 / 1024).toFixed(2)} GB`;

// ---------------------------------------------------------------------------------------------------------------
// Seeding: BatchWriteItem, 25 a request, several in flight

export const seed = async (
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
export const contentItem =
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
export const countPartition = async (client: DynamoDBClient, table: string, pk: string): Promise<number> => {
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

export interface Row {
  scenario: string;
  measured: string;
  target: string;
  verdict: 'PASS' | 'FAIL' | 'info';
}

export const rows: Row[] = [];
export const row = (scenario: string, measured: string, target = '—', pass?: boolean) =>
  rows.push({ scenario, measured, target, verdict: pass === undefined ? 'info' : pass ? 'PASS' : 'FAIL' });

export const printTable = () => {
  const header = ['scenario', 'measured', 'target', 'result'];
  const cells = rows.map((r) => [r.scenario, r.measured, r.target, r.verdict]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
};
