/**
 * Where the CLI points: local mode's stand-ins (the default) or a deployed
 * app's stacks. Either way it answers the same questions: a resource's name
 * or URL (keyed as CDK outputs them, STACK_OUTPUTS) and the subject key.
 */
import { existsSync } from 'node:fs';
import {
  type Stack as CfnStack,
  CloudFormationClient,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  accountsTable,
  auditTable,
  exportQueue,
  noticeQueue,
  outboxTable,
  purgeQueue,
  STACK_OUTPUTS,
} from '../functions/core/resources.ts';
import { config } from '../lethe.config.ts';
import { defaultKeyDir, localSubjectKey } from '../local/dev-keys.ts';
import { dlqName, localQueueUrl } from '../local/resources.ts';
import { readSettings, SettingsError } from '../local/settings.ts';
import { CliError, type Endpoints } from './errors.ts';

export type ResourceName = keyof typeof STACK_OUTPUTS;

export interface Target {
  readonly kind: 'local' | 'stack';
  /** The stand-ins' endpoints, in local mode. */
  readonly endpoints?: Endpoints;
  /** Region for the SDK clients; undefined: the SDK's own chain (AWS_REGION, the profile). */
  readonly region?: string;
  /** Fixed credentials (local mode); undefined: the SDK's default chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** ISO-8601, for the account use cases; only deactivation reads it. */
  readonly gracePeriod: string;
  resource(name: ResourceName): Promise<string>;
  /** Any other stack output, by key; undefined when absent (and always in local mode). */
  output(key: string): Promise<string | undefined>;
  subjectKey(): Promise<string>;
  close(): void;
}

const LOOPBACK = '127.0.0.1';
/** Any region and credentials reach the stand-ins (DynamoDB Local runs with -sharedDb). */
const LOCAL_REGION = 'us-east-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Local mode's resources, as local/resources.ts and the stand-ins name them. */
export const localResources = (ports: {
  port: number;
  sqsS3Port: number;
}): Record<Exclude<ResourceName, 'subjectKeySecret'>, string> => {
  const queue = (name: string) => localQueueUrl(`http://${LOOPBACK}:${ports.sqsS3Port}`, name);
  return {
    accountsTable: accountsTable.localName,
    auditTable: auditTable.localName,
    outboxTable: outboxTable.localName,
    purgeQueueUrl: queue(purgeQueue.localName),
    purgeDlqUrl: queue(dlqName(purgeQueue)),
    noticeQueueUrl: queue(noticeQueue.localName),
    noticeDlqUrl: queue(dlqName(noticeQueue)),
    exportQueueUrl: queue(exportQueue.localName),
    exportDlqUrl: queue(dlqName(exportQueue)),
    apiUrl: `http://${LOOPBACK}:${ports.port}`,
  };
};

export const localTarget = (env: NodeJS.ProcessEnv, keyDir = defaultKeyDir()): Target => {
  let settings: ReturnType<typeof readSettings>;
  try {
    settings = readSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) throw new CliError(error.message);
    throw error;
  }
  const resources = localResources(settings);
  return {
    kind: 'local',
    endpoints: {
      dynamodb: `http://${LOOPBACK}:${settings.dynamodbPort}`,
      sqsS3: `http://${LOOPBACK}:${settings.sqsS3Port}`,
      ses: `http://${LOOPBACK}:${settings.sesPort}`,
      cognito: `http://${LOOPBACK}:${settings.cognitoPort}`,
    },
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    gracePeriod: settings.gracePeriod,
    resource: async (name) => {
      if (name === 'subjectKeySecret')
        throw new CliError('local mode keeps its subject key in a file, not a secret');
      return resources[name];
    },
    output: async () => undefined,
    subjectKey: async () => {
      // Never make a new key here: subjects under another key would find nothing, silently.
      if (!existsSync(keyDir)) {
        throw new CliError(
          `no local keys in ${keyDir}: run lethe in the directory where \`npm start\` runs (it keeps them in .lethe/)`,
        );
      }
      return localSubjectKey(keyDir);
    },
    close: () => undefined,
  };
};

export const stackNames = (prefix: string) => [`${prefix}Stateful`, `${prefix}Stateless`] as const;

/** Every output of the stacks, by key; the stateless stack's win a clash (it is deployed last). */
export const outputsOf = (stacks: readonly Pick<CfnStack, 'Outputs'>[]): Map<string, string> => {
  const outputs = new Map<string, string>();
  for (const stack of stacks) {
    for (const output of stack.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue) outputs.set(output.OutputKey, output.OutputValue);
    }
  }
  return outputs;
};

export const requireOutput = (
  outputs: ReadonlyMap<string, string>,
  name: ResourceName,
  stacks: readonly string[],
): string => {
  const key = STACK_OUTPUTS[name];
  const value = outputs.get(key);
  if (value === undefined) {
    throw new CliError(
      `stacks ${stacks.join(' and ')} have no output ${key}: deploy this version of Lethe (npx cdk deploy --all)`,
    );
  }
  return value;
};

const notFound = (error: unknown) =>
  error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message);

export const stackTarget = (prefix: string, region?: string): Target => {
  const cfn = new CloudFormationClient(region ? { region } : {});
  const secrets = new SecretsManagerClient(region ? { region } : {});
  const names = stackNames(prefix);
  let outputs: Promise<Map<string, string>> | undefined;
  const describe = async (name: string) => {
    try {
      const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
      return Stacks?.[0] ?? {};
    } catch (error) {
      if (notFound(error)) {
        throw new CliError(
          `stack ${name} not found in ${await cfn.config.region()}: check --stack (the prefix of its name) and --region`,
        );
      }
      throw error;
    }
  };
  const load = () => {
    // Settled in order, so a missing prefix names the first stack, whichever answered first.
    outputs ??= Promise.allSettled(names.map(describe)).then((results) =>
      outputsOf(
        results.map((result) => {
          if (result.status === 'rejected') throw result.reason;
          return result.value;
        }),
      ),
    );
    return outputs;
  };
  const resource = async (name: ResourceName) => requireOutput(await load(), name, names);
  return {
    kind: 'stack',
    ...(region && { region }),
    gracePeriod: config.gracePeriod,
    resource,
    output: async (key) => (await load()).get(key),
    subjectKey: async () => {
      const { SecretString } = await secrets.send(
        new GetSecretValueCommand({ SecretId: await resource('subjectKeySecret') }),
      );
      if (!SecretString) throw new CliError('the subject key secret holds no SecretString');
      return SecretString;
    },
    close: () => {
      cfn.destroy();
      secrets.destroy();
    },
  };
};
