/**
 * `npm run build` (and `npm pack`, through prepack): the library package.
 * 1. The constructs compile to dist/ (JS and .d.ts) with tsc.
 * 2. Every function is bundled ahead of time into dist/bundles/<name>/, with
 *    the deploy settings (lib/bundling.ts), so the package needs neither
 *    esbuild nor this repository's source. The list of functions is not
 *    kept by hand: it is every LetheFunction the example app creates.
 * Prints each bundle's size.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { createApp } from '../lib/app.ts';
import { BUNDLES_DIR, bundleNameOf, esbuildOptions, PROJECT_ROOT } from '../lib/bundling.ts';
import { LetheFunction } from '../lib/lethe-function.ts';

const dist = join(PROJECT_ROOT, 'dist');
const started = performance.now();
rmSync(dist, { recursive: true, force: true });

// 1. JS and declarations.
execFileSync(
  process.execPath,
  [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  },
);
// tsc rewrites `.ts` imports to `.js` in JS but leaves them in declarations: do the same there.
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
for (const file of walk(dist).filter((f) => f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(/(from\s+['"]|import\(['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3');
  if (fixed !== text) writeFileSync(file, fixed);
}

// 2. Bundles: every function the example app creates, with the context it synthesizes with.
const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: object };
createApp({ appProps: { context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } }, nag: false });
const entries = [...LetheFunction.entries].sort();
const sizes = await Promise.all(
  entries.map(async (entry) => {
    const outfile = join(dist, BUNDLES_DIR.replace(/^dist\//, ''), bundleNameOf(entry), 'index.mjs');
    const { metafile: _, ...options } = esbuildOptions(join(PROJECT_ROOT, entry), outfile);
    await build(options);
    return { name: bundleNameOf(entry), kb: statSync(outfile).size / 1024 };
  }),
);

const width = Math.max(...sizes.map((s) => s.name.length));
console.log(`\n${'bundle'.padEnd(width)}  KB (index.mjs, minified)`);
for (const { name, kb } of sizes) console.log(`${name.padEnd(width)}  ${kb.toFixed(1).padStart(6)}`);
const total = sizes.reduce((sum, s) => sum + s.kb, 0);
console.log(`${'total'.padEnd(width)}  ${total.toFixed(1).padStart(6)}  (${sizes.length} functions)`);
console.log(`\nbuilt dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
