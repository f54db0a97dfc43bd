/**
 * How every function is bundled, in one place. `npm run build` prebuilds
 * each bundle into the package (dist/bundles/<name>/index.mjs), so a team
 * using the construct needs neither esbuild nor this repository's source;
 * here, in the repository, the function construct bundles from source with
 * the same settings at synth, and `npm run bench` builds with them too, so
 * the sizes it prints are the sizes that deploy.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';

const HERE = fileURLToPath(import.meta.url);

/**
 * The package root: the repository when running from source (lib/*.ts), the
 * installed package when running compiled (dist/lib/*.js).
 */
export const PROJECT_ROOT = HERE.endsWith('.ts')
  ? join(dirname(HERE), '..')
  : join(dirname(HERE), '..', '..');

/** True when running compiled from the package, where bundles are prebuilt. */
export const PREBUILT = !HERE.endsWith('.ts');

/** Where `npm run build` puts the bundles, inside the package. */
export const BUNDLES_DIR = join('dist', 'bundles');

/** A handler entry's bundle folder name: `functions/http/get-account.ts` → `http-get-account`. */
export const bundleNameOf = (entry: string): string =>
  entry
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .replace(/[^A-Za-z0-9]+/g, '-');

/** Bundles one handler into `outputDir/index.mjs` with the deploy settings. */
export const buildBundle = (entry: string, outputDir: string): void => {
  // Loaded only here: the package runs without esbuild, from its prebuilt bundles.
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const { metafile: _metafile, ...options } = esbuildOptions(
    join(PROJECT_ROOT, entry),
    join(outputDir, 'index.mjs'),
  );
  esbuild.buildSync(options);
};

/**
 * A function's code: the prebuilt bundle when running from the package, a
 * bundle built at synth when running from this repository's source.
 */
export const functionCode = (entry: string): Code => {
  if (PREBUILT) {
    const dir = join(PROJECT_ROOT, BUNDLES_DIR, bundleNameOf(entry));
    if (!existsSync(join(dir, 'index.mjs'))) {
      throw new Error(`Lethe's bundle for ${entry} is missing from ${dir}: the package was built without it`);
    }
    return Code.fromAsset(dir);
  }
  return Code.fromAsset(PROJECT_ROOT, {
    // The hash of what is deployed, not of the whole repository.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: bundling is local, with the project's own esbuild.
      image: DockerImage.fromRegistry('lethe-bundles-locally'),
      // Names the entry, so CDK's asset cache (keyed by these options) never hands one function another's bundle.
      command: ['lethe-bundle', entry],
      local: {
        tryBundle(outputDir: string) {
          buildBundle(entry, outputDir);
          return true;
        },
      },
    },
  });
};

/**
 * What an API function may cost: a user waits on its cold start. Checked
 * for size by test/package/bundle-sizes.test.ts; `npm run bench` reports
 * both against every function (workers may be larger).
 */
export const API_BUNDLE_TARGETS = { maxKb: 250, maxInitMs: 60 } as const;

/** Lambda's Node 24 runtime. */
export const NODE_TARGET = 'node24';

/** ESM bundles still meet CommonJS dependencies that call `require`. */
export const ESM_REQUIRE_SHIM =
  "import { createRequire as __lethe_cr } from 'node:module'; const require = __lethe_cr(import.meta.url);";

export const bundlingSettings = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: NODE_TARGET,
  /** ESM first, so esbuild can tree-shake the SDK and Powertools. */
  mainFields: ['module', 'main'],
  /**
   * The SDK is bundled, not taken from the runtime: the version is the one
   * tested, and a minified, tree-shaken client loads faster than the runtime's.
   * Left out are the credential providers Lambda never reaches: it always puts
   * credentials in the environment, which the default chain reads first, and
   * the others are only loaded by dynamic import after that has failed. They
   * cost ≈ 125 KB and ≈ 10 ms of init. A function run without env credentials
   * fails with "Cannot find module" instead of falling through the chain.
   */
  externalModules: [
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-web-identity',
    '@aws-sdk/credential-provider-login',
    '@aws-sdk/credential-provider-http',
    '@aws-sdk/nested-clients',
    '@aws-sdk/nested-clients/*',
    '@smithy/credential-provider-imds',
  ] as string[],
  banner: ESM_REQUIRE_SHIM,
  /**
   * SDK modules replaced in every bundle. Event streams: every client's
   * protocol inlines their support (≈ 15 KB) for operations no Lethe
   * function calls; the stub keeps the names and fails if one ever is.
   */
  alias: {
    '@smithy/core/event-streams': join(PROJECT_ROOT, 'lib', 'event-streams-stub.ts'),
  } as Record<string, string>,
} as const;

/** The same settings as esbuild build options, for the bench. */
export const esbuildOptions = (entry: string, outfile: string) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  target: bundlingSettings.target,
  minify: bundlingSettings.minify,
  sourcemap: bundlingSettings.sourceMap,
  sourcesContent: bundlingSettings.sourcesContent,
  mainFields: [...bundlingSettings.mainFields],
  external: bundlingSettings.externalModules,
  banner: { js: bundlingSettings.banner },
  alias: bundlingSettings.alias,
  metafile: true,
  logLevel: 'warning' as const,
});
