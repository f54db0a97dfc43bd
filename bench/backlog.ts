/**
 * `npm run bench:backlog`: a backlog of due accounts of the demo's shape (what local mode seeds: a
 * profile, notes, sessions, uploads; the count per store is printed) purged end to end as AWS runs it: the
 * real sweeper handler claims them and fills the purge queue, the real purge worker handler drains it
 * through the local SQS event source (one batch at a time), against the stand-ins.
 *
 * It reports accounts purged per minute, and DynamoDB requests per account against the floor for its
 * items: one key read per DynamoDB store, ⌈items/25⌉ batch writes per store, one final transaction.
 * Every request the handlers make is counted (SDK retries included) and put down to what it is for,
 * so the table shows what the rest buys: claims, leases, checkpoints, audit, notices.
 *
 * The accounts are deactivated through the real use case (audit event, due index) with their notices
 * already behind them, as in a backlog of accounts deactivated long ago: what is measured is the purge.
 *
 *   BENCH_ACCOUNTS (10000)   accounts in the backlog
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { ScheduledEvent } from 'aws-lambda';
import { type DataMap, fillTemplate } from '../functions/core/data-map.ts';
import { withExportTargets } from '../functions/core/export.ts';
import { accountsTable, exportsBucket, exportsTable, purgeQueue } from '../functions/core/resources.ts';
import { config } from '../lethe.config.ts';
import { startLocalApp } from '../local/app.ts';
import { distinctFreePorts } from '../local/free-port.ts';
import { lambdaContext } from '../local/lambda-context.ts';
import { startQueuePoller } from '../local/queue-poller.ts';
import { batchWrite, demoAccountId, demoItems, demoUploads, putUploads } from '../local/seed.ts';
import { readSettings } from '../local/settings.ts';

const knob = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

const ACCOUNTS = knob('BENCH_ACCOUNTS', 10_000);
const SETUP_CONCURRENCY = 8;
const DAY_MS = 24 * 3600 * 1000;
const TARGET_RATIO = 2;

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

const inLanes = async <T>(items: readonly T[], lanes: number, work: (item: T) => Promise<unknown>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
};

// ---------------------------------------------------------------------------------------------------------------
// The local app, with nothing running on its own

const benchStarted = performance.now();
const loadAtStart = os.loadavg()[0] ?? 0;
// Every stand-in on a port of the bench's own: never local mode's defaults, which `npm start` may hold.
const [port, dynamodbPort, sesPort, sqsS3Port, cognitoPort] = (await distinctFreePorts(5)) as [
  number,
  number,
  number,
  number,
  number,
];
const keyDir = mkdtempSync(join(os.tmpdir(), 'lethe-bench-keys-'));
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
log(`starting stand-ins: DynamoDB Local on ${dynamodbPort}, SQS/S3 on ${sqsS3Port}`);
const app = await startLocalApp(
  // Local mode's defaults, on ports of the bench's own, with no demo accounts of its own.
  { ...readSettings({}), port, seedAccounts: 0, dynamodbPort, sesPort, sqsS3Port, cognitoPort },
  { keyDir, enforcement: false },
);

try {
  const map: DataMap = config.dataMap;
  const purgeMap = withExportTargets(map, exportsTable.localName, exportsBucket.localName);
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => demoAccountId(i + 1));

  // -------------------------------------------------------------------------------------------------------------
  // Seed and deactivate (unmeasured)

  log(`seeding ${int(ACCOUNTS)} demo accounts`);
  let started = performance.now();
  for (let i = 0; i < ACCOUNTS; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const byTable = new Map<string, Record<string, unknown>[]>();
    chunk.forEach((id, j) => {
      for (const [table, items] of demoItems(map, id, i + j))
        byTable.set(table, [...(byTable.get(table) ?? []), ...items]);
    });
    await Promise.all([...byTable].map(([table, items]) => batchWrite(app.clients.doc, table, items)));
    await putUploads(
      app.clients.s3,
      chunk.flatMap((id) => demoUploads(map, id)),
    );
  }
  log(`  seeded in ${seconds(performance.now() - started)}`);

  // The handlers' modules, loaded now that the local app has set their environment.
  const [{ accountDeps }, { deactivateAccount }, sweeper, purgeWorker, clients, adapters] = await Promise.all(
    [
      import('../functions/http/deps.ts'),
      import('../functions/accounts/use-cases.ts'),
      import('../functions/workers/sweeper.ts'),
      import('../functions/workers/purge-worker.ts'),
      import('../functions/commons/clients.ts'),
      loadAdapters(),
    ],
  );

  log(`deactivating them 40 days ago (grace period 30 days), notices already sent`);
  started = performance.now();
  const longAgo = new Date(Date.now() - 40 * DAY_MS);
  const { noticeSchedule: _sent, ...deps } = { ...accountDeps, now: () => longAgo };
  await inLanes(ids, SETUP_CONCURRENCY, (accountId) =>
    deactivateAccount(deps, { accountId, actor: { kind: 'user', id: accountId } }),
  );
  log(`  deactivated in ${seconds(performance.now() - started)}`);

  // -------------------------------------------------------------------------------------------------------------
  // Every request the handlers' DynamoDB client makes, put down to what it is for

  const purpose = new AsyncLocalStorage<string>();
  const counts = new Map<string, number>();
  clients.dynamoClient.middlewareStack.add(
    (next, context) => async (args) => {
      const key = `${purpose.getStore() ?? 'other'}\t${String(context.commandName).replace(/Command$/, '')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'benchCountAttempts' },
  );
  const label = <T extends object>(prototype: T, method: string, what: string) => {
    const original = (prototype as Record<string, unknown>)[method];
    if (typeof original !== 'function') throw new Error(`no method ${method} to label`);
    (prototype as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
      return purpose.run(what, () => original.apply(this, args));
    };
  };
  for (const [prototype, method, what] of adapters.purposes) label(prototype, method, what);

  // -------------------------------------------------------------------------------------------------------------
  // The backlog: sweep, queue, worker, until every account is purged

  const queue = app.queues.find((q) => q.definition.id === purgeQueue.id);
  if (!queue) throw new Error('no purge queue');
  const poller = startQueuePoller({
    sqs: app.clients.sqs,
    queue,
    name: 'purge-worker',
    handler: purgeWorker.handler,
    autoStart: false,
    onError: (line) => log(`  ${line}`),
  });
  log(`purging the backlog: sweep, purge queue, purge worker`);
  started = performance.now();
  let sweeps = 0;
  let messages = 0;
  let failed = 0;
  for (;;) {
    const swept = await sweeper.handler({} as ScheduledEvent, lambdaContext('sweeper', 5 * 60_000));
    sweeps += 1;
    const drained = await poller.drain();
    messages += drained.records;
    failed += drained.failed;
    log(`  sweep ${sweeps}: claimed ${int(swept.claimed)}; ${int(drained.records)} purge messages handled`);
    if (swept.claimed === 0 && swept.complete && drained.records === 0) break;
  }
  const purgeMs = performance.now() - started;
  await poller.stop();

  // -------------------------------------------------------------------------------------------------------------
  // Check: nothing of any account is left; every account has a tombstone

  const left = await remainingItems(purgeMap);
  const byStatus = await statuses();

  // -------------------------------------------------------------------------------------------------------------
  // Report

  const floor = floorPerAccount(map, purgeMap);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const perAccount = total / ACCOUNTS;
  const rate = ACCOUNTS / (purgeMs / 60_000);

  console.log('');
  console.log(`Backlog of ${int(ACCOUNTS)} demo accounts (${floor.items} items each: ${floor.describe})`);
  console.log('');
  const rows: [string, string, string][] = [
    ['accounts purged per minute', `${int(rate)} (${seconds(purgeMs)} in all)`, '—'],
    [
      'DynamoDB requests per account ÷ floor',
      `${(perAccount / floor.requests).toFixed(2)} (${perAccount.toFixed(2)} ÷ ${floor.requests})`,
      `≤ ${TARGET_RATIO} (info)`,
    ],
    ['sweeps / purge messages / failed deliveries', `${sweeps} / ${int(messages)} / ${failed}`, '—'],
    ['items left in any store (DynamoDB and S3)', int(left), '0'],
    [
      'Accounts table records by status',
      [...byStatus].map(([status, n]) => `${status} ${int(n)}`).join(', '),
      `PURGED ${int(ACCOUNTS)}`,
    ],
  ];
  printTable(['measure', 'value', 'target'], rows);
  console.log('');
  console.log('DynamoDB requests per account, by what they are for (SDK retries included):');
  console.log('');
  const breakdown = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]): [string, string, string, string] => {
      const [what = '', command = ''] = key.split('\t');
      return [what, command, int(n), (n / ACCOUNTS).toFixed(2)];
    });
  breakdown.push(['all', '', int(total), perAccount.toFixed(2)]);
  printTable(['for', 'request', 'requests', 'per account'], breakdown);
  console.log('');
  console.log(
    `bench runtime ${seconds(performance.now() - benchStarted)}; 1-min load average ${loadAtStart.toFixed(1)} at start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at end (${os.cpus().length} cores)`,
  );
} finally {
  await app.stop();
  rmSync(keyDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------------

/** What each adapter method's requests are for; the labels of the breakdown. */
async function loadAdapters() {
  const [purgeState, purger, profiles, notices, confirmations, outbox, audit, exports] = await Promise.all([
    import('../functions/adapters/dynamo-purge-state.ts'),
    import('../functions/adapters/dynamo-purger.ts'),
    import('../functions/adapters/dynamo-profiles.ts'),
    import('../functions/adapters/dynamo-notices.ts'),
    import('../functions/adapters/dynamo-confirmations.ts'),
    import('../functions/adapters/dynamo-outbox.ts'),
    import('../functions/adapters/dynamo-audit.ts'),
    import('../functions/adapters/dynamo-exports.ts'),
  ]);
  const confirming = confirmations.DynamoConfirmations.prototype;
  const state = purgeState.DynamoPurgeState.prototype;
  const purposes: [object, string, string][] = [
    [state, 'page', 'sweep: due index'],
    [state, 'countDue', 'sweep: overdue accounts gauge'],
    [state, 'claim', 'sweep: claim (+ audit event)'],
    [state, 'start', 'run lease: start'],
    [state, 'release', 'run lease: release'],
    [state, 'saveProgress', 'checkpoint (+ store-done audit event)'],
    [state, 'captureNoticeProfile', 'receipt notice: keep the address'],
    [state, 'complete', 'final transaction (tombstone, receipt, audit, purged notice)'],
    [purger.DynamoPurger.prototype, 'readKeys', 'key reads'],
    [purger.DynamoPurger.prototype, 'deleteBatch', 'batch writes'],
    [purger.DynamoPurger.prototype, 'stillInTable', 'index re-check before counting'],
    [profiles.DynamoProfileReader.prototype, 'get', 'receipt notice: read the profile'],
    [notices.DynamoNotices.prototype, 'page', 'sweep: notices due'],
    [notices.DynamoNotices.prototype, 'postpone', 'sweep: notices due'],
    [confirming, 'expect', 'processor deletion request: awaited confirmation'],
    [confirming, 'pending', 'sweep: processor confirmations owed'],
    [confirming, 'countOverdue', 'sweep: overdue confirmations gauge'],
    [confirming, 'confirm', "processor's confirmation (local fake processor, through the API)"],
    [exports.DynamoAccountStatuses.prototype, 'status', 'sign-in follower: account status'],
    [outbox.DynamoOutboxCleaner.prototype, 'delete', 'events outbox: clean-up'],
    [audit.AuditLog.prototype, 'receipt', 'receipt read'],
  ];
  return { purposes };
}

/**
 * The floor for one demo account, from what the seed gives it: a key read per DynamoDB store,
 * ⌈items/25⌉ batch writes per store, one final transaction.
 */
function floorPerAccount(map: DataMap, purgeMap: DataMap) {
  const id = demoAccountId(1);
  const byTable = demoItems(map, id, 0);
  const uploads = demoUploads(map, id);
  let requests = 1;
  let total = 0;
  const parts: string[] = [];
  for (const store of purgeMap.stores) {
    let n = 0;
    if (store.kind === 'dynamodb-partition' || store.kind === 'dynamodb-index') {
      const ours = (item: Record<string, unknown>) =>
        store.kind === 'dynamodb-partition'
          ? item[store.key.partitionKey] === fillTemplate(store.keyTemplate, id)
          : item[store.attribute] === id;
      n = (byTable.get(store.table) ?? []).filter(ours).length;
      requests += 1 + Math.ceil(n / 25);
    }
    if (store.kind === 's3-prefix') n = uploads.filter((u) => u.store === store.name).length;
    total += n;
    parts.push(`${store.name} ${n}`);
  }
  return { items: total, describe: parts.join(', '), requests };
}

/** Items left in every table and bucket of the purge map: the stand-ins are the bench's own, so it is all of them. */
async function remainingItems(purgeMap: DataMap): Promise<number> {
  let left = 0;
  for (const store of purgeMap.stores) {
    if (store.kind === 'dynamodb-partition' || store.kind === 'dynamodb-index') {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await app.clients.doc.send(
          new ScanCommand({
            TableName: store.table,
            Select: 'COUNT',
            ...(start && { ExclusiveStartKey: start }),
          }),
        );
        left += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
    }
    if (store.kind === 's3-prefix') {
      const page = await app.clients.s3.send(new ListObjectsV2Command({ Bucket: store.bucket }));
      left += page.KeyCount ?? 0;
    }
  }
  return left;
}

/** Records of the Accounts table by status: every account should be a PURGED tombstone. */
async function statuses(): Promise<Map<string, number>> {
  const byStatus = new Map<string, number>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await app.clients.doc.send(
      new ScanCommand({
        TableName: accountsTable.localName,
        ProjectionExpression: '#s',
        ExpressionAttributeNames: { '#s': 'status' },
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    for (const item of page.Items ?? []) {
      const status = String(item.status ?? 'notice or other');
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return byStatus;
}

function printTable(header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
