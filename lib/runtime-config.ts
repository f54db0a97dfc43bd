/**
 * How a Lethe instance hands its configuration to its functions: one Lambda
 * layer per instance holding `/opt/lethe/config.json` (the data map and
 * every setting, as parseConfig returned them at synth), and, for names
 * CloudFormation decides at deploy time (a table or bucket passed as a
 * construct), one env variable each, which the file refers to as
 * `{"$env": "<variable>"}`.
 *
 * Why a layer and not env: Lambda allows 4 KB of env variables in total, and
 * a data map of a dozen stores with key templates and retention rules passes
 * that. A layer has no such limit, is versioned with the stack, and leaves
 * the prebuilt function bundles identical for every deployment, so their
 * asset is shared by every instance and every consumer.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Token } from 'aws-cdk-lib';
import { Architecture, Code, type IFunction, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct, type IConstruct } from 'constructs';
import { CONFIG_SOURCES, ENV_REFERENCE_KEY, type LetheConfig } from '../functions/core/config-schema.ts';

/** The prefix of the env variables that carry deploy-time names. */
export const CONFIG_REFERENCE_ENV_PREFIX = 'LETHE_CONFIG_REF_';

/** The config with each deploy-time value replaced by a reference, and the variables they name. */
export const splitDeployTimeValues = (
  config: LetheConfig,
): { document: unknown; environment: Record<string, string> } => {
  const environment: Record<string, string> = {};
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string' && Token.isUnresolved(value)) {
      const name = `${CONFIG_REFERENCE_ENV_PREFIX}${Object.keys(environment).length}`;
      environment[name] = value;
      return { [ENV_REFERENCE_KEY]: name };
    }
    if (Array.isArray(value)) return value.map(visit);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v)]));
    }
    return value;
  };
  return { document: visit(config), environment };
};

export class LetheRuntimeConfig extends Construct {
  /** The construct id it has under its Lethe instance, so functions below can find it. */
  static readonly ID = 'RuntimeConfig';

  /** The nearest instance's runtime config above `scope`. */
  static of(scope: IConstruct): LetheRuntimeConfig | undefined {
    for (const ancestor of [...scope.node.scopes].reverse()) {
      const found = ancestor.node.tryFindChild(LetheRuntimeConfig.ID);
      if (found instanceof LetheRuntimeConfig) return found;
    }
    return undefined;
  }

  readonly layer: LayerVersion;
  /** The env variables every function of the instance gets: the deploy-time names. */
  readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, config: LetheConfig) {
    super(scope, LetheRuntimeConfig.ID);
    const { document, environment } = splitDeployTimeValues(config);
    this.environment = environment;
    // The layer's content, written once per synth; the asset hash follows the content.
    const root = mkdtempSync(join(tmpdir(), 'lethe-config-'));
    const file = join(root, CONFIG_SOURCES.file.replace(/^\/opt\//, ''));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
    this.layer = new LayerVersion(this, 'Layer', {
      code: Code.fromAsset(root),
      compatibleRuntimes: [Runtime.NODEJS_24_X],
      compatibleArchitectures: [Architecture.ARM_64],
      description: 'Lethe configuration: the data map and settings its functions read at cold start',
    });
  }

  /** Gives a function the config layer and the deploy-time names. */
  attach(
    fn: IFunction & {
      addLayers(...layers: LayerVersion[]): void;
      addEnvironment(k: string, v: string): unknown;
    },
  ): void {
    fn.addLayers(this.layer);
    for (const [name, value] of Object.entries(this.environment)) fn.addEnvironment(name, value);
  }
}
