/**
 * `npm run bench`: builds every function with the deploy esbuild settings
 * and reports its minified size and cold module init time against the targets.
 * Targets are reported, never asserted: the script always exits 0.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { CONFIG_SOURCES, parseConfig } from '../functions/core/config-schema.ts';
import { config } from '../lethe.config.ts';
import { createApp } from '../lib/app.ts';
import { API_BUNDLE_TARGETS, bundleNameOf, esbuildOptions } from '../lib/bundling.ts';
import { LetheFunction } from '../lib/lethe-function.ts';

const { maxKb: MAX_KB, maxInitMs: MAX_INIT_MS } = API_BUNDLE_TARGETS;
const RUNS = Math.max(11, Number(process.env.BENCH_RUNS) || 15);

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const tmp = mkdtempSync(join(tmpdir(), 'lethe-bench-'));
/** The configuration as the construct's config layer ships it: a file the functions read at cold start. */
const configFile = join(tmp, 'config.json');
writeFileSync(configFile, JSON.stringify(parseConfig(config)));

/** What the handlers read at cold start; dummy credentials, no network at import. */
const childEnv = {
  [CONFIG_SOURCES.fileEnv]: configFile,
  PATH: process.env.PATH ?? '',
  ACCOUNTS_TABLE: 'bench',
  AUDIT_TABLE: 'bench-audit',
  PURGE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench',
  NOTICE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-notices',
  EXPORT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-export',
  PURGE_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-dlq',
  NOTICE_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-notices-dlq',
  EXPORT_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-export-dlq',
  EXPORTS_TABLE: 'bench-exports',
  OUTBOX_TABLE: 'bench-outbox',
  LETHE_EVENT_BUS: 'bench-bus',
  EVENTS_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-events-dlq',
  EXPORTS_BUCKET: 'bench-exports',
  LETHE_PUBLIC_URL: 'https://api.example.com',
  // In AWS the key comes from the Parameters and Secrets extension on localhost; here, from env.
  LETHE_SUBJECT_KEY: 'bench-subject-key',
  AWS_REGION: 'us-east-1',
  LETHE_GRACE_PERIOD: 'P30D',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
};

interface Result {
  id: string;
  outfile: string;
  kb: number;
  times: number[];
  error?: string;
  metafile: Metafile;
}

/** One fresh node process: the time of `await import(bundle)`, measured inside it. */
const initOnce = (bundle: string): number => {
  const url = JSON.stringify(pathToFileURL(bundle).href);
  const code = [
    'const t = performance.now();',
    `await import(${url}).catch((e) => { console.error(String(e)); process.exit(1); });`,
    'console.log(performance.now() - t);',
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env: childEnv,
    encoding: 'utf8',
  });
  const ms = Number(child.stdout.trim());
  if (child.status !== 0 || !Number.isFinite(ms))
    throw new Error(child.stderr.trim().split('\n')[0] ?? 'failed');
  return ms;
};

const pct = (sorted: number[], p: number): number =>
  sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;

/** Bytes in output per package (own code as `lethe`), from the metafile. */
const contributors = (metafile: Metafile): [string, number][] => {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(path);
      const name = match?.[1] ?? 'lethe';
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
};

try {
  const results: Result[] = [];
  // Every function the example app creates, as `npm run build` prebuilds them.
  const cdkJson = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context: object };
  createApp({ appProps: { context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } }, nag: false });
  const functions = [...LetheFunction.entries].sort().map((entry) => ({ id: bundleNameOf(entry), entry }));
  for (const { id, entry } of functions) {
    const outfile = join(tmp, `${id}.mjs`);
    const { metafile } = await build(esbuildOptions(join(root, entry), outfile));
    results.push({ id, outfile, kb: statSync(outfile).size / 1024, times: [], metafile: metafile! });
  }
  // Round by round, every function once a round (after one import each to warm the file cache, not counted):
  // a busy spell on the machine slows all of them alike, rather than whichever function it fell on.
  for (let i = 0; i <= RUNS; i++) {
    for (const result of results) {
      if (result.error) continue;
      try {
        const ms = initOnce(result.outfile);
        if (i > 0) result.times.push(ms);
      } catch (err) {
        result.error = (err as Error).message;
      }
    }
  }
  for (const result of results) result.times.sort((a, b) => a - b);

  const rows = results.map((r) => {
    const median = pct(r.times, 0.5);
    const misses = [r.kb > MAX_KB && 'size', !(median <= MAX_INIT_MS) && 'init'].filter(Boolean);
    // The targets are the API's (a person waits on those); workers are reported, not judged.
    const api = r.id.startsWith('http-');
    const ms = (n: number) => (r.error ? '-' : n.toFixed(1));
    const [min, p90, max] = [r.times[0] ?? NaN, pct(r.times, 0.9), r.times.at(-1) ?? NaN].map(ms);
    const verdict = !api ? 'worker' : misses.length === 0 ? 'PASS' : `FAIL (${misses.join(', ')})`;
    return [r.id, r.kb.toFixed(1), ms(median), p90!, min!, max!, verdict];
  });
  const header = ['function', 'size KB', 'init ms (median)', 'p90', 'min', 'max', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(
    `\nInit: median of ${RUNS} fresh \`node\` ${process.version} processes each, interleaved round by round; KB = 1024 bytes of .mjs.`,
  );
  console.log(
    `Targets for the API's functions: size ≤ ${MAX_KB} KB, init ≤ ${MAX_INIT_MS} ms (workers: reported).\n`,
  );
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
  for (const r of results) if (r.error) console.log(`  ${r.id}: import failed: ${r.error}`);

  const judged = rows.filter((row) => row.at(-1) !== 'worker');
  const failed = judged.filter((row) => row.at(-1) !== 'PASS').length;
  console.log(
    `\n${failed === 0 ? 'PASS' : 'FAIL'}: ${judged.length - failed}/${judged.length} API functions within targets`,
  );

  const largest = results.reduce((a, b) => (b.kb > a.kb ? b : a));
  console.log(`\nTop 5 contributors to the largest bundle (${largest.id}, ${largest.kb.toFixed(1)} KB):`);
  for (const [name, bytes] of contributors(largest.metafile).slice(0, 5)) {
    console.log(`  ${(bytes / 1024).toFixed(1).padStart(7)} KB  ${name}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
