/**
 * The one function construct: every Lambda in Lethe is a LetheFunction, so
 * runtime, architecture, bundling, tracing, logging and IAM follow one set of
 * rules. Grants come with the env variable that names the resource, in one
 * call, so a function can never be told about a table it may not touch.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type DataMap, profileStore } from '../functions/core/data-map.ts';
import { parseDuration } from '../functions/core/duration.ts';
import { accountsTable } from '../functions/core/resources.ts';
import { bundlingSettings } from './bundling.ts';
import { acknowledgeNag } from './nag.ts';

/** The repository root: entries and the lock file are found from here, not from the shell's cwd. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What a function does with Lethe's Accounts table. */
export type AccountsAccess = 'read' | 'write';

/**
 * Exactly the DynamoDB actions each access needs (the repository in
 * functions/adapters/dynamo-accounts.ts): a write reads first, then changes
 * state with one conditional UpdateItem. No PutItem, DeleteItem or Scan.
 */
export const ACCOUNTS_ACTIONS: Record<AccountsAccess, readonly string[]> = {
  read: ['dynamodb:GetItem'],
  write: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
};

/** The profile reader issues one Query with Limit 1 on the profile store's table. */
export const PROFILE_ACTIONS: readonly string[] = ['dynamodb:Query'];

/** X-Ray's write actions accept no resource ARN: `*` is the only form IAM allows. */
const XRAY_WILDCARD_REASON =
  'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which do not support ' +
  'resource-level permissions (https://docs.aws.amazon.com/service-authorization/latest/reference/' +
  'list_awsx-ray.html); the tests check that these are the only actions on Resource "*".';

export interface LetheFunctionProps {
  /** The handler file, relative to the project root (e.g. `functions/http/health.ts`). */
  readonly entry: string;
  readonly description?: string;
  /** @default 10 seconds: well inside the HTTP API's 30 s integration limit */
  readonly timeout?: Duration;
  /** @default 256 MB: on arm64 this keeps cold starts short for a bundled SDK at low cost */
  readonly memorySize?: number;
  /** Days the function's logs are kept; one of CloudWatch's allowed values. */
  readonly logRetentionDays: number;
  /**
   * What happens to the log group when the stack is deleted. Logs still
   * expire after `logRetentionDays` either way.
   * @default RemovalPolicy.RETAIN: the logs are the security record (P8)
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Extra environment; the grant helpers add their own variables. */
  readonly environment?: Record<string, string>;
}

/** Checks a retention against the values CloudWatch Logs accepts, at synth time. */
export const retentionOf = (days: number): RetentionDays => {
  const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) {
    throw new Error(
      `logRetentionDays ${days} is not a CloudWatch Logs retention; use one of ${allowed.join(', ')}`,
    );
  }
  return days as RetentionDays;
};

export class LetheFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: LetheFunctionProps) {
    // Created before super() so the function can point at it; `scope` keeps the ids stable.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: retentionOf(props.logRetentionDays),
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // An own role: the default one carries the AWS managed AWSLambdaBasicExecutionRole,
    // which may write to any log group in the account.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Lethe ${id}: only the resources its grants name`,
    });

    super(scope, id, {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 256,
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      ...(props.description !== undefined && { description: props.description }),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'lethe',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        ...bundlingSettings,
        mainFields: [...bundlingSettings.mainFields],
        externalModules: [...bundlingSettings.externalModules],
        format: OutputFormat.ESM,
        // esbuild is a devDependency: bundle locally, never in Docker.
        forceDockerBundling: false,
      },
    });

    // Only this function's own log group, not logs:* on the account.
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    // On the policy, not the role: nothing else the role may ever hold is covered.
    acknowledgeNag(
      role.node.findChild('DefaultPolicy'),
      'AwsSolutions-IAM5[Resource::*]',
      XRAY_WILDCARD_REASON,
    );
  }

  /** Grants the Accounts table for reading or writing and sets its env variable, in one call. */
  useAccountsTable(table: ITable, access: AccountsAccess): this {
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...ACCOUNTS_ACTIONS[access]], resources: [table.tableArn] }),
    );
    this.addEnvironment(accountsTable.env, table.tableName);
    return this;
  }

  /** Sets the grace period (P3) from the config, checked at synth so a typo never deploys. */
  useGracePeriod(gracePeriod: string): this {
    parseDuration(gracePeriod);
    this.addEnvironment('LETHE_GRACE_PERIOD', gracePeriod);
    return this;
  }

  /**
   * Grants a Query on the table the data map reads profiles from. The host
   * app owns that table: it is addressed by name, never created or imported
   * as a construct. The data map travels in the bundle, so no env is needed.
   */
  useProfileStore(dataMap: DataMap): this {
    const store = profileStore(dataMap);
    const tableArn = Stack.of(this).formatArn({
      service: 'dynamodb',
      resource: 'table',
      resourceName: store.table,
    });
    this.addToRolePolicy(new PolicyStatement({ actions: [...PROFILE_ACTIONS], resources: [tableArn] }));
    return this;
  }
}
