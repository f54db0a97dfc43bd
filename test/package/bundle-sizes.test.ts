/**
 * Every function behind the API within its size budget, built exactly as it
 * deploys (lib/bundling.ts): a user waits on these cold starts. What went
 * into each is printed when one is over, largest packages first, so the
 * failure says where to cut. Init time is machine-dependent: `npm run bench`
 * reports it.
 */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { entryOf, fallbackRoute, routes } from '../../functions/http/routes.ts';
import { API_BUNDLE_TARGETS, esbuildOptions, PROJECT_ROOT } from '../../lib/bundling.ts';

const largestInputs = (metafile: Metafile) => {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? path;
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, bytes]) => `${(bytes / 1024).toFixed(1)} KB ${name}`);
};

describe('API function bundles', () => {
  it.each([...routes.map((r) => r.id), fallbackRoute.id])(
    `%s is at most ${API_BUNDLE_TARGETS.maxKb} KB`,
    async (id) => {
      // Arrange / Act: the deploy build, in memory.
      const entry = join(PROJECT_ROOT, entryOf(id));
      const result = await build({
        ...esbuildOptions(entry, join(PROJECT_ROOT, 'cdk.out', `${id}.mjs`)),
        write: false,
      });
      const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
      const kb = (code?.contents.byteLength ?? Number.POSITIVE_INFINITY) / 1024;
      // Assert
      expect(
        kb,
        `${id}: ${kb.toFixed(1)} KB\n${largestInputs(result.metafile!).join('\n')}`,
      ).toBeLessThanOrEqual(API_BUNDLE_TARGETS.maxKb);
    },
  );
});
