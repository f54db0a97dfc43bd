/**
 * How every function is bundled, in one place: the function construct passes
 * it to NodejsFunction and `npm run bench` builds with the same esbuild
 * settings, so the sizes it prints are the sizes that deploy.
 */

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
  metafile: true,
  logLevel: 'warning' as const,
});
