/**
 * The export worker's use case in a process of its own, for bench/export.ts:
 * the same wiring as the Lambda (functions/workers/export-worker-deps.ts), one job,
 * then its time and peak RSS as one JSON line.
 */
import { existsSync, readFileSync } from 'node:fs';

const accountId = process.env.BENCH_ACCOUNT ?? '';
const exportId = process.env.BENCH_EXPORT ?? '';
const { exportDeps } = await import('../functions/workers/export-worker-deps.ts');
const { exportAccount } = await import('../functions/export/export-account.ts');

const baselineRssMb = process.memoryUsage().rss / 1024 / 1024;
let peak = process.memoryUsage().rss;
let atPeak = process.memoryUsage();
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  if (now.rss > peak) atPeak = now;
  peak = Math.max(peak, now.rss);
}, 20);
const t = performance.now();
const { outcome, counts, bytes } = await exportAccount(exportDeps, { accountId, exportId });
const ms = performance.now() - t;
clearInterval(sampler);
// The kernel's high-water mark also catches a peak between two samples (Linux; elsewhere, the
// samples). Not resourceUsage().maxRSS: Linux keeps it across fork and exec, so it reports the
// bench parent's size (which holds the S3 stand-in's objects), not this process's.
const status = existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '';
const highWaterKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
const peakRssMb = Math.max(peak / 1024 / 1024, highWaterKb / 1024);
if (outcome !== 'ready') throw new Error(`export ended ${outcome}`);
const records = counts.filter((c) => c.kind !== 's3-prefix').reduce((sum, c) => sum + c.items, 0);
const files = counts.filter((c) => c.kind === 's3-prefix').reduce((sum, c) => sum + c.items, 0);
const atPeakMb = Object.fromEntries(Object.entries(atPeak).map(([k, v]) => [k, Math.round(v / 1024 / 1024)]));
console.log(JSON.stringify({ ms, items: records, files, bytes, baselineRssMb, peakRssMb, atPeakMb }));
