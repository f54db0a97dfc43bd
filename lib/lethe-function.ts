/**
 * The one function construct: every Lambda in Lethe is a LetheFunction, so
 * runtime, architecture, bundling, tracing, logging and IAM follow one set of
 * rules. Grants come with the env variable that names the resource, in one
 * call, so a function is never granted a resource it is not told about. (The
 * one name given without a grant: the Audit table to readers, whose shared
 * cold-start wiring requires it; see AuditAccess.)
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  Function as LambdaFunction,
  LayerVersion,
  LoggingFormat,
  ParamsAndSecretsLogLevel,
  ParamsAndSecretsVersions,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { FactName } from 'aws-cdk-lib/region-info';
import type { Construct } from 'constructs';
import { type DataMap, profileStore } from '../functions/core/data-map.ts';
import { parseDuration } from '../functions/core/duration.ts';
import {
  accountsTable,
  auditTable,
  exportsBucket,
  exportsTable,
  outboxTable,
  type QueueDefinition,
} from '../functions/core/resources.ts';
import { functionCode } from './bundling.ts';
import { dataMapStatements, s3WildcardFindings, tableArnOf } from './data-map-grants.ts';
import {
  ACCOUNTS_ACTIONS,
  ACCOUNTS_INDEX_ACTIONS,
  type AccountsAccess,
  ARCHIVES_ACTIONS,
  ARCHIVES_PATTERN,
  type ArchivesAccess,
  AUDIT_ACTIONS,
  type AuditAccess,
  EXPORTS_ACTIONS,
  type ExportsAccess,
  NOTICE_RECORD_ACTIONS,
  PROFILE_ACTIONS,
  QUEUE_SEND_ACTIONS,
  SUBJECT_KEY_ACTIONS,
} from './iam-actions.ts';
import { acknowledgeNag } from './nag.ts';
import { LetheRuntimeConfig } from './runtime-config.ts';
import type { ExportsBucketRef } from './state.ts';

export { PROJECT_ROOT } from './bundling.ts';

/** The env variable functions/commons/subject-key.ts reads the secret's ARN from. */
export const SUBJECT_KEY_ENV = 'LETHE_SUBJECT_KEY_SECRET';

/**
 * The AWS Parameters and Secrets Lambda Extension, which serves the subject
 * key on localhost. The code reads the key once per cold start, so the
 * extension's cache defaults (300 s) stand.
 */
export const SUBJECT_KEY_EXTENSION = {
  version: ParamsAndSecretsVersions.V1_0_103,
  environment: {
    /** The port functions/commons/subject-key.ts calls; named so both sides agree on it. */
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773',
    /** Warnings only: its info lines would add a line per cold start and nothing else. */
    PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: ParamsAndSecretsLogLevel.WARN,
  },
} as const;

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

export class LetheFunction extends LambdaFunction {
  /** Every handler entry a LetheFunction was created for: what `npm run build` prebuilds. */
  static readonly entries = new Set<string>();

  /** The handler file, relative to the project root. */
  readonly entry: string;

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
      // Prebuilt into the package by `npm run build`; bundled from source in this repository.
      code: functionCode(props.entry),
      handler: 'index.handler',
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
    });
    this.entry = props.entry;
    LetheFunction.entries.add(props.entry);

    // The instance's configuration: read at cold start from its layer (functions/commons/config.ts).
    const runtimeConfig = LetheRuntimeConfig.of(scope);
    if (runtimeConfig === undefined) {
      throw new Error(
        `LetheFunction ${id} must be created inside a Lethe construct, which carries its configuration`,
      );
    }
    runtimeConfig.attach(this);

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

  /** Grants the Accounts table for `access` and sets its env variable, in one call. */
  useAccountsTable(table: ITable, access: AccountsAccess): this {
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...ACCOUNTS_ACTIONS[access]], resources: [table.tableArn] }),
    );
    const indexActions = ACCOUNTS_INDEX_ACTIONS[access];
    if (indexActions !== undefined) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: [...indexActions],
          resources: accountsTable.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
        }),
      );
    }
    this.addEnvironment(accountsTable.env, table.tableName);
    return this;
  }

  /**
   * A deactivation Puts its notice records and a restore Deletes them, in
   * the transaction of the transition (functions/core/notices.ts).
   */
  useNoticeRecords(table: ITable): this {
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...NOTICE_RECORD_ACTIONS], resources: [table.tableArn] }),
    );
    return this;
  }

  /** Grants the audit trail for `access` and sets its env variable, in one call. */
  useAuditTable(table: ITable, access: AuditAccess, retention: string): this {
    const actions = AUDIT_ACTIONS[access];
    if (actions.length > 0) {
      this.addToRolePolicy(new PolicyStatement({ actions: [...actions], resources: [table.tableArn] }));
    }
    this.addEnvironment(auditTable.env, table.tableName);
    // Checked at synth, so a typo never deploys; events written carry their expiry from it.
    parseDuration(retention);
    this.addEnvironment('LETHE_AUDIT_RETENTION', retention);
    return this;
  }

  /**
   * Lets the function read the subject key (the HMAC key behind subjects):
   * GetSecretValue on that one secret, the extension that serves it on
   * localhost, and the env variable naming it. The secret uses Secrets
   * Manager's AWS managed key, so no KMS grant is needed.
   */
  useSubjectKey(secret: ISecret): this {
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...SUBJECT_KEY_ACTIONS], resources: [secret.secretArn] }),
    );
    // The layer's ARN for this region and architecture, from CDK's region facts
    // (a mapping when the stack is env-agnostic), as the `paramsAndSecrets` prop
    // would do; here, so the layer comes with the grant and only functions that
    // read the key pay for the extension at cold start.
    const layerArn = Stack.of(this).regionalFact(
      FactName.paramsAndSecretsLambdaLayer(SUBJECT_KEY_EXTENSION.version, this.architecture.name),
    );
    this.addLayers(LayerVersion.fromLayerVersionArn(this, 'ParamsAndSecretsLayer', layerArn));
    for (const [name, value] of Object.entries(SUBJECT_KEY_EXTENSION.environment)) {
      this.addEnvironment(name, value);
    }
    this.addEnvironment(SUBJECT_KEY_ENV, secret.secretArn);
    return this;
  }

  /** Lets the function send to a Lethe queue and sets the env variable with its URL, in one call. */
  useQueue(queue: IQueue, definition: QueueDefinition): this {
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...QUEUE_SEND_ACTIONS], resources: [queue.queueArn] }),
    );
    this.addEnvironment(definition.env, queue.queueUrl);
    return this;
  }

  /**
   * The consumer of `definition`'s queue sends a message whose body can never
   * be read to this DLQ at once (functions/commons/unreadable-jobs.ts):
   * sqs:SendMessage on the DLQ and nothing else (the queue is SQS-encrypted,
   * so no key grant either).
   */
  useDeadLetterQueue(dlq: IQueue, definition: QueueDefinition): this {
    this.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [dlq.queueArn] }));
    this.addEnvironment(definition.dlqEnv, dlq.queueUrl);
    return this;
  }

  /**
   * Grants what purging an account needs on every store of the data map
   * (lib/data-map-grants.ts): find and delete, nothing wider. Like the
   * profile store, the stores are the host app's and addressed by name; the
   * data map travels in the bundle, so no env is needed.
   */
  useDataMapForPurge(dataMap: DataMap): this {
    for (const statement of dataMapStatements(this, dataMap, 'purge')) this.addToRolePolicy(statement);
    const policy = (this.role as Role).node.findChild('DefaultPolicy');
    for (const { store, finding } of s3WildcardFindings(this, dataMap)) {
      acknowledgeNag(
        policy,
        finding,
        `Purge deletes every object under store "${store.name}"'s prefix (${store.prefix}); the keys are ` +
          'only known by listing, so the grant is that prefix with the account id as the wildcard, ' +
          'taken from the data map: no other part of the bucket, no other bucket.',
      );
    }
    return this;
  }

  /**
   * Lets the function write lifecycle events to the outbox (a Put in the
   * transaction of each change it makes) and sets its env variable, in one call.
   */
  useOutbox(table: ITable, { write = true }: { write?: boolean } = {}): this {
    // A reader only builds the adapters at cold start (the name), and never writes.
    if (write) {
      this.addToRolePolicy(
        new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [table.tableArn] }),
      );
    }
    this.addEnvironment(outboxTable.env, table.tableName);
    return this;
  }

  /** Grants the Exports table for `access` and sets its env variable, in one call. */
  useExportsTable(table: ITable, access: ExportsAccess): this {
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...EXPORTS_ACTIONS[access]], resources: [table.tableArn] }),
    );
    this.addEnvironment(exportsTable.env, table.tableName);
    return this;
  }

  /**
   * Grants the exports bucket's archives for `access`, on the exports prefix
   * only, and sets its env variable, in one call.
   */
  useExportsBucket(bucket: ExportsBucketRef, access: ArchivesAccess): this {
    const stack = Stack.of(this);
    const s3Arn = (resourceName?: string) =>
      stack.formatArn({
        service: 's3',
        region: '',
        account: '',
        resource: bucket.bucketName,
        ...(resourceName !== undefined && { resourceName }),
        arnFormat: resourceName === undefined ? ArnFormat.NO_RESOURCE_NAME : ArnFormat.SLASH_RESOURCE_NAME,
      });
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...ARCHIVES_ACTIONS[access]], resources: [s3Arn(ARCHIVES_PATTERN)] }),
    );
    if (access === 'purge') {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [s3Arn()],
          conditions: { StringLike: { 's3:prefix': ARCHIVES_PATTERN.slice(0, -1) } },
        }),
      );
    }
    acknowledgeNag(
      (this.role as Role).node.findChild('DefaultPolicy'),
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket.findingName}/${ARCHIVES_PATTERN}]`,
      `Export archives are keyed exports/<account id>/<export id>.zip, one folder per account, created at run time; the grant (${ARCHIVES_ACTIONS[access].join(', ')}) is that prefix with the ids as wildcards: no other part of the exports bucket, no other bucket.`,
    );
    this.addEnvironment(exportsBucket.env, bucket.bucketName);
    return this;
  }

  /**
   * Grants what exporting an account needs on every store of the data map
   * (lib/data-map-grants.ts): find and read, never write or delete.
   */
  useDataMapForExport(dataMap: DataMap): this {
    for (const statement of dataMapStatements(this, dataMap, 'export')) this.addToRolePolicy(statement);
    const policy = (this.role as Role).node.findChild('DefaultPolicy');
    for (const { store, finding } of s3WildcardFindings(this, dataMap)) {
      acknowledgeNag(
        policy,
        finding,
        `Export reads every object under store "${store.name}"'s prefix (${store.prefix}); the keys are ` +
          'only known by listing, so the grant is GetObject on that prefix with the account id as the ' +
          'wildcard, taken from the data map: no other part of the bucket, no other bucket.',
      );
    }
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
    const tableArn = tableArnOf(this, profileStore(dataMap).table);
    this.addToRolePolicy(new PolicyStatement({ actions: [...PROFILE_ACTIONS], resources: [tableArn] }));
    return this;
  }
}
