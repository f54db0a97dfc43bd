/**
 * The Lethe construct: everything a platform team adds to its own CDK app.
 * Props carry the data map (CDK references or plain names) and every
 * setting; they are checked at synth by the same schema the functions run at
 * cold start (functions/core/config-schema.ts), and a problem fails synth
 * with one line naming the prop. Every physical name derives from the
 * construct's scope (lib/names.ts), so staging and prod live side by side.
 */
import { Annotations, type Duration, Stack, Token } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IConfigurationSet, IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as z from 'zod/mini';
import { type LetheConfig, LetheConfigError, parseConfig } from '../functions/core/config-schema.ts';
import type { DataMap, ProfileSource, RetentionRule, Store } from '../functions/core/data-map.ts';
import { parseDuration } from '../functions/core/duration.ts';
import { DEFAULT_DELETION_SLA } from '../functions/core/purge.ts';
import { LetheAlarms } from './alarms.ts';
import { type JwtSettings, LetheApi, type ThrottleSettings } from './api.ts';
import { LetheDashboard } from './dashboard.ts';
import { LetheEnforcement } from './enforcement.ts';
import { LetheEvents, type LetheEventsOptions } from './events.ts';
import { LetheExport } from './export.ts';
import { scopedName } from './names.ts';
import { LetheNotices } from './notices.ts';
import { LethePromiseAlarms } from './promise-alarms.ts';
import { LetheRetention } from './retention.ts';
import { type AwsExpiry, expireInAws, type LogGroupReference } from './retention-expiry.ts';
import { LetheRuntimeConfig } from './runtime-config.ts';
import { LetheState } from './state.ts';

/** A DynamoDB table of the host app: the construct (its ARN and name are used) or its name. */
export type TableReference = string | ITable;
/** An S3 bucket of the host app: the construct or its name. */
export type BucketReference = string | IBucket;

/** A store of the data map whose table or bucket may be given as a CDK reference. */
export type LetheStore<S extends Store = Store> = S extends { readonly table: string }
  ? Omit<S, 'table'> & { readonly table: TableReference }
  : S extends { readonly bucket: string }
    ? Omit<S, 'bucket'> & { readonly bucket: BucketReference }
    : S;

/** The data map as props: where the host app keeps an account's data. */
export interface LetheDataMap {
  readonly profile: ProfileSource;
  readonly stores: readonly LetheStore[];
  /** The retention schedule (P9): each category kept only this long, for every account. docs/retention.md */
  readonly retention?: readonly LetheRetentionRule[];
}

/** A retention rule whose log groups may be given as CDK references (their retention is then set at deploy). */
export type LetheRetentionRule = Omit<RetentionRule, 'logGroups'> & {
  readonly logGroups?: readonly LogGroupReference[];
};

/** Tokens from any JWT issuer (an OIDC provider: Auth0, Okta, Entra ID, Keycloak, Cognito). */
export interface LetheJwtAuth {
  /** The issuer URL, exactly as in the tokens' `iss` (https; API Gateway fetches its JWKS). */
  readonly issuer: string;
  /** Accepted `aud` (or Cognito `client_id`) values: a token must carry one. */
  readonly audience: readonly string[];
}

/** Tokens from a Cognito user pool: the issuer is the pool's, the audience its clients' ids. */
export interface LetheCognitoAuth {
  readonly userPool: IUserPool;
  readonly clients: readonly IUserPoolClient[];
}

export type LetheAuth = LetheJwtAuth | LetheCognitoAuth;

export interface LetheNoticeProps {
  /** The From address (`Name <no-reply@example.com>` or an address), of an identity verified in SES. */
  readonly sender: string;
  /**
   * The SES identity the sender may send from: a domain, an address, or the construct.
   * @default the sender address's domain
   */
  readonly identity?: string | IEmailIdentity;
  /**
   * The SES configuration set every notice is sent with.
   * @default a new one (bounces and complaints suppressed), named `<stack>-<path>-notices`
   */
  readonly configurationSet?: IConfigurationSet;
  /**
   * The public base URL restore links point at: a custom domain in front of the API.
   * @default the API's own invoke URL
   */
  readonly publicUrl?: string;
  /** Where users can ask questions; shown in every notice's footer. */
  readonly supportUrl: string;
  /**
   * How long backups keep deleted data: the receipt's "gone from backups by" (PITR keeps 35 days).
   * @default 'P35D'
   */
  readonly backupRetention?: string;
}

export interface LetheAlarmProps {
  /**
   * An existing topic to notify, instead of a new one. Encrypted topics must
   * let cloudwatch.amazonaws.com use their key.
   * @default a new topic, encrypted with its own rotating key
   */
  readonly topic?: ITopic;
  /**
   * Addresses subscribed to the topic (each confirms by email).
   * @default none: subscribe to the topic yourself (its ARN is `alarmTopic.topicArn`)
   */
  readonly emails?: readonly string[];
}

export interface LetheProps {
  /**
   * Lethe's tables, bucket and subject key, when kept in another stack.
   * @default a LetheState created inside this construct, with id `State`
   */
  readonly state?: LetheState;
  /** Shown in notices and on the restore page. */
  readonly productName: string;
  /** Every store of the host app that holds an account's data, and where the profile is read from. */
  readonly dataMap: LetheDataMap;
  /** Who may call the API: a JWT issuer and audience, or a Cognito user pool and its clients. */
  readonly auth: LetheAuth;
  /** Deactivation notices, reminders and deletion receipts (P6). */
  readonly notices: LetheNoticeProps;
  /** ISO-8601 duration from deactivation to purge (P3). @default 'P30D' */
  readonly gracePeriod?: string;
  /** Reminders, as durations before the purge. @default ['P7D', 'P1D'] */
  readonly noticeSchedule?: readonly string[];
  /** How often the sweeper looks for due accounts: whole minutes, at least PT1M. @default 'PT15M' */
  readonly sweepInterval?: string;
  /** Purge workers at once (2–1000): the load purges may put on the host app's stores. @default 5 */
  readonly purgeConcurrency?: number;
  /** Data exports (P7). @default 3 per account per day, links valid 'PT24H' */
  readonly exports?: { readonly perDay?: number; readonly linkExpiry?: string };
  /**
   * The deletion SLA: purged within `afterPurgeAfter` of purgeAfter, never later than `outerBound`
   * after it; on every receipt as met or missed, and the OverdueAccounts alarm's bound.
   * @default { afterPurgeAfter: 'P1D', outerBound: 'P30D' }
   */
  readonly deletionSla?: { readonly afterPurgeAfter?: string; readonly outerBound?: string };
  /** How long audit events are kept; receipts are kept for good. @default 'P1095D' (three years) */
  readonly auditRetention?: string;
  /** Retention (P9): how late past its window an item may be deleted at most. @default 'P1D' */
  readonly retentionMaxLag?: string;
  /** Days the function and API access logs are kept: a CloudWatch Logs retention value. @default 30 */
  readonly logRetentionDays?: number;
  /** Where alarms go. @default a new encrypted topic with no subscriptions */
  readonly alarms?: LetheAlarmProps;
  /** Stage-wide API throttling. @default 50 requests/s, bursts of 100 */
  readonly throttle?: ThrottleSettings;
  /** Browser origins allowed to call the API. @default none: CORS off */
  readonly corsAllowOrigins?: readonly string[];
  /** How old the oldest purge job may get before its alarm fires. @default one hour */
  readonly purgeBacklogAlarmAge?: Duration;
  /**
   * Lifecycle events (docs/events.md): the bus, their `source`, and a webhook to the host app.
   * @default a new bus, source `lethe`, no webhook
   */
  readonly events?: LetheEventsOptions;
}

/** The deploy-only props, checked like the configuration. */
const deploySchema = z.looseObject({
  auth: z.union([
    z.looseObject({
      issuer: z.string().check(z.regex(/^https:\/\/[^\s/]+/, 'must be an https URL')),
      audience: z
        .array(z.string().check(z.minLength(1, 'must not be empty')))
        .check(z.minLength(1, 'must name at least one audience')),
    }),
    z.looseObject({
      userPool: z.custom<IUserPool>((v) => typeof v === 'object' && v !== null, 'must be a user pool'),
      clients: z.array(z.custom<IUserPoolClient>()).check(z.minLength(1, 'must name at least one client')),
    }),
  ]),
  alarms: z.optional(
    z.looseObject({
      emails: z.optional(z.array(z.email('must be an email address'))),
    }),
  ),
  corsAllowOrigins: z.optional(
    z.array(z.string().check(z.regex(/^https?:\/\/[^\s/]+$/, 'must be an origin'))),
  ),
  throttle: z.optional(
    z.looseObject({
      rateLimit: z.number().check(z.gt(0, 'must be positive')),
      burstLimit: z.number().check(z.int(), z.gt(0, 'must be a positive whole number')),
    }),
  ),
});

const isCognito = (auth: LetheAuth): auth is LetheCognitoAuth => 'userPool' in auth;

const jwtOf = (scope: Construct, auth: LetheAuth): JwtSettings =>
  isCognito(auth)
    ? {
        issuer: `https://cognito-idp.${Stack.of(scope).region}.amazonaws.com/${auth.userPool.userPoolId}`,
        audience: auth.clients.map((client) => client.userPoolClientId),
      }
    : auth;

const isTable = (value: TableReference): value is ITable => typeof value !== 'string';
const isBucket = (value: BucketReference): value is IBucket => typeof value !== 'string';

/** The data map with every reference turned into its name (a token when CloudFormation decides it). */
export const resolveDataMap = (map: LetheDataMap): DataMap => ({
  profile: map.profile,
  ...(map.retention !== undefined && {
    retention: map.retention.map(
      ({ logGroups, ...rule }): RetentionRule => ({
        ...rule,
        ...(logGroups !== undefined && {
          logGroups: logGroups.map((group) => (typeof group === 'string' ? group : group.logGroupName)),
        }),
      }),
    ),
  }),
  stores: map.stores.map((store): Store => {
    if ('table' in store && store.table !== undefined) {
      return { ...store, table: isTable(store.table) ? store.table.tableName : store.table } as Store;
    }
    if ('bucket' in store && store.bucket !== undefined) {
      return { ...store, bucket: isBucket(store.bucket) ? store.bucket.bucketName : store.bucket } as Store;
    }
    return store as Store;
  }),
});

const identityOf = (identity: string | IEmailIdentity | undefined): string | undefined =>
  identity === undefined || typeof identity === 'string' ? identity : identity.emailIdentityName;

/** One line: which prop, and what is wrong with it. */
const describeIssue = (error: z.core.$ZodError): string => {
  const issue = error.issues[0]!;
  return `${issue.path.map(String).join('.')}: ${issue.message}`;
};

export class Lethe extends Construct {
  /** The configuration the functions read at cold start, with every default filled in. */
  readonly config!: LetheConfig;
  /** The layer that carries `config` to every function, and the deploy-time names it refers to. */
  readonly runtimeConfig!: LetheRuntimeConfig;
  readonly state!: LetheState;
  readonly api!: LetheApi;
  readonly enforcement!: LetheEnforcement;
  readonly export!: LetheExport;
  readonly notices!: LetheNotices;
  readonly alarms!: LetheAlarms;
  /** The alarms on the promises themselves (lib/promise-alarms.ts). */
  readonly promiseAlarms!: LethePromiseAlarms;
  readonly dashboard!: LetheDashboard;
  /** The `service` dimension of this instance's metrics and log lines. */
  readonly serviceName!: string;
  readonly events!: LetheEvents;
  /** The retention sweeper; absent when the data map has no retention rules. */
  readonly retention?: LetheRetention;
  /** What AWS expires by itself on the host app's resources defined in this app (TTL, lifecycle, log retention). */
  readonly awsExpiry?: AwsExpiry;

  constructor(scope: Construct, id: string, props: LetheProps) {
    super(scope, id);
    const config = this.check(props);
    // Invalid props were reported as one synth error; building on them would only add noise.
    if (config === undefined) return;
    this.config = config;
    this.runtimeConfig = new LetheRuntimeConfig(this, config);

    this.state = props.state ?? new LetheState(this, 'State');
    const { accountsTable, auditTable, subjectKey, exportsTable, exportsBucket, outboxTable } = this.state;
    const resources = { accountsTable, auditTable, subjectKey, exportsTable, exportsBucket, outboxTable };

    this.alarms = new LetheAlarms(this, 'Alarms', {
      ...(props.alarms?.topic !== undefined && { topic: props.alarms.topic }),
      emails: props.alarms?.emails ?? [],
    });
    this.export = new LetheExport(this, 'Export', {
      accountsTable,
      exportsTable,
      exportsBucket,
      config,
      alarms: this.alarms,
    });
    this.api = new LetheApi(this, 'Api', {
      ...resources,
      exportQueue: this.export.exportQueue,
      config,
      jwt: jwtOf(this, props.auth),
      ...(props.throttle !== undefined && { throttle: props.throttle }),
      ...(props.corsAllowOrigins !== undefined && { corsAllowOrigins: props.corsAllowOrigins }),
    });
    const identity = identityOf(props.notices.identity);
    this.notices = new LetheNotices(this, 'Notices', {
      accountsTable,
      auditTable,
      subjectKey,
      config,
      alarms: this.alarms,
      // Restore links point at this API, unless a public URL is in front of it.
      publicUrl: config.notices.publicUrl ?? this.api.url,
      ...(props.notices.configurationSet !== undefined && {
        configurationSet: props.notices.configurationSet,
      }),
      ...(identity !== undefined && { identity }),
    });
    this.enforcement = new LetheEnforcement(this, 'Enforcement', {
      ...resources,
      config,
      alarms: this.alarms,
      noticeQueue: this.notices.queue,
      ...(props.purgeBacklogAlarmAge !== undefined && { purgeBacklogAlarmAge: props.purgeBacklogAlarmAge }),
    });
    this.events = new LetheEvents(this, 'Events', {
      outboxTable,
      accountsTable,
      config,
      alarms: this.alarms,
      ...props.events,
    });
    // Every worker that changes an account writes its event to the outbox in the change's transaction
    // (the API's functions are wired by LetheApi, per route).
    for (const fn of [
      this.enforcement.purgeWorker,
      this.enforcement.sweeper,
      this.export.worker,
      this.notices.sender,
    ]) {
      fn.useOutbox(outboxTable);
    }
    // The feedback function builds the notice adapter (its name) but never writes an event.
    this.notices.feedback.useOutbox(outboxTable, { write: false });
    if ((config.dataMap.retention ?? []).length > 0) {
      this.retention = new LetheRetention(this, 'Retention', { ...resources, config, alarms: this.alarms });
      this.awsExpiry = expireInAws(props.dataMap, config.dataMap);
      for (const problem of this.awsExpiry.problems) Annotations.of(this).addError(`Lethe: ${problem}`);
    }
    // One service name per instance on every function (metrics and logs), the promise alarms, the dashboard.
    this.serviceName = scopedName(this, 'lethe', { maxLength: 64 });
    for (const { fn } of this.functionsByLabel())
      fn.addEnvironment('POWERTOOLS_SERVICE_NAME', this.serviceName);
    this.promiseAlarms = new LethePromiseAlarms(this, 'PromiseAlarms', {
      alarms: this.alarms,
      serviceName: this.serviceName,
      sweepInterval: config.sweepInterval,
      noticeQueue: this.notices.queue,
      exportQueue: this.export.exportQueue,
      apiStage: this.api.stage,
    });
    this.dashboard = new LetheDashboard(this, 'Dashboard', {
      dashboardName: scopedName(this, 'dashboard', { maxLength: 255 }),
      serviceName: this.serviceName,
      slaMs: parseDuration(config.deletionSla?.afterPurgeAfter ?? DEFAULT_DELETION_SLA.afterPurgeAfter),
      queues: [
        { label: 'purge', queue: this.enforcement.purgeQueue, dlq: this.enforcement.purgeDlq },
        { label: 'notices', queue: this.notices.queue, dlq: this.notices.dlq },
        { label: 'export', queue: this.export.exportQueue, dlq: this.export.exportDlq },
      ],
      functions: this.functionsByLabel(),
      httpApi: this.api.httpApi,
      alarms: this.alarms.alarms,
    });
  }

  /** Every function of this instance, by a short label (the route id for the API's). */
  private functionsByLabel() {
    return [
      ...[...this.api.functions].map(([label, fn]) => ({ label, fn })),
      { label: 'sweeper', fn: this.enforcement.sweeper },
      { label: 'purge-worker', fn: this.enforcement.purgeWorker },
      { label: 'notice-sender', fn: this.notices.sender },
      { label: 'notice-feedback', fn: this.notices.feedback },
      { label: 'export-worker', fn: this.export.worker },
      { label: 'events-publisher', fn: this.events.publisher },
      ...(this.events.signIn ? [{ label: 'sign-in', fn: this.events.signIn }] : []),
      ...(this.retention ? [{ label: 'retention-sweeper', fn: this.retention.sweeper }] : []),
    ];
  }

  /** The API's invoke URL. */
  get url(): string {
    return this.api.url;
  }

  /** Checks the props; on a problem, one synth error on this construct and no configuration. */
  private check(props: LetheProps): LetheConfig | undefined {
    try {
      const deploy = deploySchema.safeParse(props);
      if (!deploy.success) throw new LetheConfigError(describeIssue(deploy.error));
      const { configurationSet } = props.notices;
      return parseConfig({
        productName: props.productName,
        gracePeriod: props.gracePeriod,
        noticeSchedule: props.noticeSchedule,
        sweepInterval: props.sweepInterval,
        purgeConcurrency: props.purgeConcurrency,
        auditRetention: props.auditRetention,
        logRetentionDays: props.logRetentionDays,
        retentionMaxLag: props.retentionMaxLag,
        exports: props.exports,
        deletionSla: props.deletionSla,
        notices: {
          sender: props.notices.sender,
          configurationSet:
            configurationSet?.configurationSetName ?? scopedName(this, 'notices', { maxLength: 64 }),
          publicUrl: props.notices.publicUrl,
          supportUrl: props.notices.supportUrl,
          backupRetention: props.notices.backupRetention,
        },
        dataMap: resolveDataMap(props.dataMap),
      });
    } catch (error) {
      if (!(error instanceof LetheConfigError)) throw error;
      Annotations.of(this).addError(`Lethe: ${error.message}`);
      return undefined;
    }
  }
}

/** True when `value` is a name CloudFormation decides at deploy time. */
export const isDeployTimeName = (value: string): boolean => Token.isUnresolved(value);
