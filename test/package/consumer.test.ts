/**
 * The package as a team gets it: `npm pack`, the tarball installed into a
 * scratch CDK app in a temp folder that has only aws-cdk-lib and constructs
 * (and cdk-nag, which the README's app uses), linked from this repository's
 * node_modules, as is zod, the package's one dependency, so the install is
 * offline and fast. The app is the README's
 * "Use Lethe in your CDK app" snippet, extracted from README.md as it is: two
 * instances (staging, prod), each with a table and a bucket of its own.
 * It is type-checked against the package's .d.ts, synthesized with Node
 * alone (no tsx, no esbuild), and its templates checked: names differ,
 * grants stay with their own instance, cdk-nag found nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/bundling.ts';
import { explicitPhysicalNames, resourcesOf, type ValidationReport } from '../cdk/synth.ts';

const README_HEADING = '## Use Lethe in your CDK app';
const STAGES = ['staging', 'prod'] as const;

/** The README section's TypeScript block, exactly as written. */
const readmeSnippet = (): string => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(README_HEADING));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!section.startsWith(README_HEADING) || !match)
    throw new Error(`README has no TypeScript block under "${README_HEADING}"`);
  return match[1]!;
};

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string =>
  execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const npm = (args: string[], cwd: string) =>
  run(
    process.platform === 'win32' ? 'npm.cmd' : 'npm',
    [...args, '--no-audit', '--no-fund', '--loglevel=error'],
    cwd,
  );

let scratch: string;
let outdir: string;
const timings: Record<string, number> = {};
const timed = <T>(name: string, step: () => T): T => {
  const start = performance.now();
  try {
    return step();
  } finally {
    timings[name] = Math.round(performance.now() - start);
  }
};

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lethe-consumer-'));
  // 1. The tarball, as `npm pack` makes it (prepack builds dist/).
  timed('pack', () => npm(['pack', '--pack-destination', scratch], PROJECT_ROOT));
  const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack left no tarball in ${scratch}`);
  // 2. A CDK app of its own: only aws-cdk-lib and constructs (and cdk-nag), linked, and the tarball.
  const app = join(scratch, 'app');
  mkdirSync(app);
  const link = (name: string) => `file:${join(PROJECT_ROOT, 'node_modules', name)}`;
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'shop-infra',
      private: true,
      type: 'module',
      dependencies: {
        'aws-cdk-lib': link('aws-cdk-lib'),
        constructs: link('constructs'),
        'cdk-nag': link('cdk-nag'),
        // The package's one dependency, linked like the rest so the install never needs the registry.
        zod: link('zod'),
        lethe: `file:${join(scratch, tarball)}`,
      },
      devDependencies: { typescript: link('typescript'), '@types/node': link('@types/node') },
    }),
  );
  timed('install', () => npm(['install', '--offline', '--ignore-scripts'], app));
  writeFileSync(join(app, 'app.ts'), readmeSnippet());
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2023',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      files: ['app.ts'],
    }),
  );
  // 3. Type-check against the package's declarations, then synth with Node alone.
  timed('typecheck', () =>
    run(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], app),
  );
  outdir = join(scratch, 'cdk.out');
  timed('synth', () => run(process.execPath, ['app.ts'], app, { ...process.env, CDK_OUTDIR: outdir }));
  console.log(`consumer test: ${JSON.stringify(timings)} ms`);
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const templateOf = (stage: string) =>
  Template.fromJSON(JSON.parse(readFileSync(join(outdir, `shop-${stage}.template.json`), 'utf8')));

describe('the packed package in a CDK app of its own', () => {
  it('installs without this repository: the app resolves lethe from the tarball, with no esbuild and no source', () => {
    const installed = join(scratch, 'app', 'node_modules', 'lethe');
    const files = readdirSync(installed);
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'dist', 'LICENSE', 'CHANGELOG.md', 'README.md']),
    );
    expect(files).not.toContain('functions');
    expect(files).not.toContain('lib');
    expect(readdirSync(join(scratch, 'app', 'node_modules'))).not.toContain('esbuild');
  });

  it('synthesizes both environments with cdk-nag AwsSolutions clean', () => {
    const report = JSON.parse(
      readFileSync(join(outdir, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    expect(report.pluginReports.map((r) => r.pluginName)).toContain('AwsSolutions');
    for (const plugin of report.pluginReports) expect(plugin.violations, plugin.pluginName).toEqual([]);
  });

  it('gives the two environments different names, each derived from its own stack and construct', () => {
    const names = STAGES.map((stage) => explicitPhysicalNames(resourcesOf(templateOf(stage))));
    for (const [i, stage] of STAGES.entries()) {
      expect(names[i]!.length).toBeGreaterThan(0);
      for (const name of names[i]!)
        expect(name.value.toLowerCase(), name.id).toContain(`shop-${stage}-lethe-`);
    }
    const all = names.flat().map((n) => n.value);
    expect(new Set(all).size).toBe(all.length);
  });

  it("grants each environment's functions only its own table and bucket", () => {
    for (const stage of STAGES) {
      const other = STAGES.find((s) => s !== stage)!;
      const resources = resourcesOf(templateOf(stage));
      const own = Object.entries(resources)
        .filter(([id, r]) => /^(Profiles|Uploads)/.test(id) && /::(Table|Bucket)$/.test(r.Type))
        .map(([id]) => id);
      const policies = JSON.stringify(Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy'));
      expect(own).toHaveLength(2);
      for (const id of own) expect(policies).toContain(`{"Ref":"${id}"}`);
      // Another environment's resources could only be named across stacks or by name: neither is there.
      expect(policies).not.toMatch(/Fn::ImportValue|Fn::GetStackOutput/);
      expect(policies.toLowerCase()).not.toContain(`shop-${other}`);
    }
  });

  it('ships every function prebuilt, and each environment its own config layer', () => {
    for (const stage of STAGES) {
      const resources = resourcesOf(templateOf(stage));
      const functions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function');
      const layers = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::LayerVersion');
      expect(functions.length).toBeGreaterThan(10);
      expect(layers).toHaveLength(1);
    }
  });
});
