/**
 * `npm run bench:observability`: what metrics and tracing add to a cold
 * start, isolated. Three tiny entries are bundled with the deploy settings
 * (lib/bundling.ts): nothing, the metrics writer (functions/commons/metrics.ts)
 * and the tracer (functions/commons/tracer.ts) with one traced client; each
 * is imported in fresh node processes, interleaved round by round so a busy
 * machine slows all three alike. Prints size and the median import time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptions } from '../lib/bundling.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Math.max(11, Number(process.env.BENCH_RUNS) || 31);

const entries = {
  baseline: "export const handler = async () => 'ok';",
  metrics: `import { metrics } from '${root}/functions/commons/metrics.ts';
export const handler = async () => metrics.record('sweepRuns');`,
  tracer: `import { SQSClient } from '@aws-sdk/client-sqs';
import { traced } from '${root}/functions/commons/tracer.ts';
const sqs = traced(new SQSClient({}));
export const handler = async () => sqs;`,
  'sqs client (for scale)': `import { SQSClient } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async () => sqs;`,
};

/** As Lambda runs it: tracing on, a trace header, dummy credentials, no network at import. */
const env = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  POWERTOOLS_SERVICE_NAME: 'bench-lethe',
};

const importMs = (bundle: string): number => {
  const code = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(performance.now() - t);`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env, encoding: 'utf8' });
  const ms = Number(child.stdout.trim());
  if (child.status !== 0 || !Number.isFinite(ms)) throw new Error(child.stderr.split('\n')[0]);
  return ms;
};

// Inside the project, so the entries resolve its node_modules.
const tmp = mkdtempSync(join(root, 'node_modules', '.lethe-obs-'));
try {
  const bundles: [string, string][] = [];
  for (const [name, source] of Object.entries(entries)) {
    const entry = join(tmp, `${name.replace(/\W+/g, '-')}.ts`);
    writeFileSync(entry, source);
    const outfile = entry.replace(/\.ts$/, '.mjs');
    await build({ ...esbuildOptions(entry, outfile), metafile: false });
    importMs(outfile); // warm the file cache
    bundles.push([name, outfile]);
  }
  const times = new Map(bundles.map(([name]) => [name, [] as number[]]));
  for (let i = 0; i < RUNS; i += 1) for (const [name, file] of bundles) times.get(name)?.push(importMs(file));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const base = median(times.get('baseline') ?? []);
  console.log(`\nmedian of ${RUNS} fresh node ${process.version} processes each, interleaved\n`);
  console.log('entry                    size KB  import ms  over baseline');
  for (const [name, file] of bundles) {
    const ms = median(times.get(name) ?? []);
    console.log(
      `${name.padEnd(24)} ${(statSync(file).size / 1024).toFixed(1).padStart(7)}  ${ms.toFixed(1).padStart(9)}  ${(ms - base).toFixed(1).padStart(13)}`,
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
