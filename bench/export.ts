/**
 * `npm run bench:export`: exports one large account (≥ 50,000 items and
 * ≥ 200 MB of uploads) against the local stand-ins and prints items per
 * second and the export worker's peak RSS. The worker runs in a child
 * process of its own, so the figure is the worker's, not the in-process S3
 * stand-in's (which holds the 200 MB). Reported, never asserted.
 *
 * BENCH_ITEMS (default 50000), BENCH_OBJECTS (200) and BENCH_OBJECT_MB (1)
 * size the account.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import yauzl from 'yauzl';
import { dynamoStores, fillTemplate, profileStore, s3Stores } from '../functions/core/data-map.ts';
import { config } from '../lethe.config.ts';
import { startLocalApp } from '../local/app.ts';
import { freePort } from '../local/free-port.ts';
import { jwtKeyFile, signLocalToken } from '../local/jwt.ts';
import { batchWrite } from '../local/seed.ts';
import { readSettings } from '../local/settings.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 50_000);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 200);
const OBJECT_MB = Number(process.env.BENCH_OBJECT_MB ?? 1);
const SESSIONS = 500;

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

const countEntries = (file: string) =>
  new Promise<number>((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      let entries = 0;
      zip.on('entry', () => {
        entries += 1;
        zip.readEntry();
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });

const dir = await mkdtemp(join(tmpdir(), 'lethe-bench-export-'));
const settings = readSettings({
  PORT: '0',
  LETHE_DYNAMODB_PORT: String(await freePort()),
  LETHE_SES_PORT: String(await freePort()),
  LETHE_SQS_S3_PORT: String(await freePort()),
  LETHE_SEED_ACCOUNTS: '0',
});
const app = await startLocalApp(settings, { keyDir: dir, enforcement: false });
try {
  const { doc, s3 } = app.clients;
  const map = config.dataMap;
  const accountId = `bench-${randomUUID()}`;

  // 1. Seed: the profile, ITEMS records in the other partition stores, sessions, and uploads.
  let t = performance.now();
  const profile = profileStore(map);
  await doc.send(
    new PutCommand({
      TableName: profile.table,
      Item: {
        [profile.key.partitionKey]: fillTemplate(profile.keyTemplate, accountId),
        email: 'bench@example.com',
      },
    }),
  );
  let items = 1;
  for (const store of dynamoStores(map)) {
    if (store.name === profile.name) continue;
    const rows: Record<string, unknown>[] =
      store.kind === 'dynamodb-partition'
        ? Array.from({ length: ITEMS }, (_, i) => ({
            [store.key.partitionKey]: fillTemplate(store.keyTemplate, accountId),
            ...(store.key.sortKey && { [store.key.sortKey]: `NOTE#${String(i).padStart(6, '0')}` }),
            title: `Note ${i}`,
            body: randomBytes(96).toString('base64'),
          }))
        : Array.from({ length: SESSIONS }, (_, i) => ({
            [store.key.partitionKey]: `${accountId}-session-${i}`,
            [store.attribute]: accountId,
            device: 'laptop',
          }));
    items += rows.length;
    const lanes = 8;
    const per = Math.ceil(rows.length / lanes / 25) * 25;
    await Promise.all(
      Array.from({ length: lanes }, (_, lane) =>
        batchWrite(doc, store.table, rows.slice(lane * per, (lane + 1) * per)),
      ),
    );
  }
  let objectBytes = 0;
  for (const store of s3Stores(map)) {
    const prefix = fillTemplate(store.prefix, accountId);
    for (let i = 0; i < OBJECTS; i += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, OBJECTS - i) }, (_, j) => {
          const body = randomBytes(OBJECT_MB * 1024 * 1024);
          objectBytes += body.length;
          return s3.send(
            new PutObjectCommand({ Bucket: store.bucket, Key: `${prefix}file-${i + j}.bin`, Body: body }),
          );
        }),
      );
    }
  }
  console.log(
    `seeded ${items} items and ${OBJECTS} objects (${mb(objectBytes)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  // 2. Ask for the export over HTTP, as an app would.
  const token = await signLocalToken(accountId, {}, jwtKeyFile(dir));
  const asked = await fetch(`${app.apiUrl}/v1/accounts/${accountId}/export`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  const { exportId } = (await asked.json()) as { exportId: string };

  // 3. The worker in its own process, with the environment a Lambda would get.
  t = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'export-worker-run.ts')],
    {
      env: {
        ...process.env,
        ...app.environment,
        POWERTOOLS_LOG_LEVEL: 'WARN',
        BENCH_ACCOUNT: accountId,
        BENCH_EXPORT: exportId,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`export worker exited with ${code}: ${out}`);
  const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
    ms: number;
    items: number;
    files: number;
    bytes: number;
    baselineRssMb: number;
    peakRssMb: number;
    atPeakMb: Record<string, number>;
  };

  // 4. Download through the presigned link and count the entries.
  const ready = (await (
    await fetch(`${app.apiUrl}/v1/accounts/${accountId}/exports/${exportId}`, {
      headers: { authorization: `Bearer ${token}` },
    })
  ).json()) as { status: string; downloadUrl: string };
  const file = join(dir, 'export.zip');
  const download = await fetch(ready.downloadUrl);
  await pipeline(Readable.fromWeb(download.body as never), createWriteStream(file));
  const entries = await countEntries(file);

  const seconds = result.ms / 1000;
  console.log('');
  console.log(
    `export ${ready.status}: ${result.items} items and ${result.files} files into ${mb(result.bytes)} MB`,
  );
  console.log(`  time            ${seconds.toFixed(1)} s`);
  console.log(
    `  items/s         ${Math.round(result.items / seconds)} (records; ${mb(objectBytes / seconds)} MB/s of uploads)`,
  );
  console.log(
    `  peak RSS        ${result.peakRssMb.toFixed(0)} MB (worker process; ${result.baselineRssMb.toFixed(0)} MB before the export)`,
  );
  console.log(
    `  at the peak     ${Object.entries(result.atPeakMb)
      .map(([k, v]) => `${k} ${v} MB`)
      .join(', ')}`,
  );
  console.log(
    `  archive         ${entries} entries, ${mb((await stat(file)).size)} MB downloaded through the presigned URL`,
  );
} finally {
  await app.stop();
  await rm(dir, { recursive: true, force: true });
}
