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
 * The scenarios live in bench/enforce/ (sweep.ts, purger.ts, large-account.ts; support.ts is what they share).
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
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AuditLog } from '../functions/adapters/dynamo-audit.ts';
import { Outbox } from '../functions/adapters/dynamo-outbox.ts';
import { DynamoPurgeState } from '../functions/adapters/dynamo-purge-state.ts';
import { accountsTable, auditTable, outboxTable } from '../functions/core/resources.ts';
import { distinctFreePorts } from '../local/free-port.ts';
import { createResources } from '../local/resources.ts';
import { startStandIns } from '../local/stand-ins.ts';
import { benchLargeAccount, benchMap } from './enforce/large-account.ts';
import { benchPurger } from './enforce/purger.ts';
import {
  AUDIT_RETENTION_MS,
  countingClient,
  gb,
  JvmWatch,
  log,
  printTable,
  row,
  seconds,
  TEST_SUBJECT_KEY,
} from './enforce/support.ts';
import { benchSweep } from './enforce/sweep.ts';

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
    ['b', () => benchPurger(client, counters, jvm)],
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
