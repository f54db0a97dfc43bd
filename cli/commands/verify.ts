/**
 * `lethe verify`: is this environment what the configuration says, before
 * anyone relies on it? Every data-map store exists with the keys, index and
 * attribute it names; each retention rule's table has the index it reads
 * (and TTL, lifecycle rules and log group retention are what the rules ask);
 * SES can send from the sender's identity outside the
 * sandbox; someone hears the alarms; the JWT issuer answers. Reads only.
 *
 * A check that cannot apply where the CLI points (local mode has no SNS and
 * no real issuer) is reported as skipped, with why, never as passed.
 */
import { GetAuthorizersCommand } from '@aws-sdk/client-apigatewayv2';
import {
  type AttributeDefinition,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type KeySchemaElement,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { GetAccountCommand, GetEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import { ListSubscriptionsByTopicCommand, type Subscription } from '@aws-sdk/client-sns';
import type {
  CognitoUserPoolStore,
  DataMap,
  DynamoStore,
  S3PrefixStore,
  Store,
} from '../../functions/core/data-map.ts';
import { senderDomain } from '../../functions/core/notices.ts';
import {
  type LifecycleExpiry,
  lifecycleExpiryOf,
  logRetentionToSet,
  RETENTION_EXPIRY_ATTRIBUTE,
  RETENTION_INDEX,
  type RetentionTask,
  retentionIndex,
  retentionLogGroups,
  retentionTasks,
} from '../../functions/core/retention.ts';
import type { Services } from '../services.ts';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface Check {
  /** What kind of thing is checked: `store`, `ses identity`, `alarm topic`… */
  readonly check: string;
  /** Which one: the store's name, the identity, the topic. */
  readonly subject: string;
  readonly status: CheckStatus;
  /** What was found, or why it failed or was skipped. */
  readonly detail: string;
}

export interface VerifyReport {
  readonly target: 'local' | 'stack';
  /** Where the data map and settings came from. */
  readonly config: string;
  readonly passed: boolean;
  readonly counts: Readonly<Record<CheckStatus, number>>;
  readonly checks: readonly Check[];
}

export interface VerifyInput {
  readonly config: { readonly dataMap: DataMap; readonly notices: { readonly sender: string } };
  /** Where it came from, for the report. */
  readonly source: string;
  /** Skip what needs the internet beyond AWS (the issuer's discovery document). */
  readonly offline: boolean;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** The stack output that names the alarm topic (lib/stateless-stack.ts). */
export const ALARM_TOPIC_OUTPUT = 'AlarmTopicArn';
const DISCOVERY_TIMEOUT_MS = 10_000;

const pass = (check: string, subject: string, detail: string): Check => ({
  check,
  subject,
  status: 'pass',
  detail,
});
const fail = (check: string, subject: string, detail: string): Check => ({
  check,
  subject,
  status: 'fail',
  detail,
});
const skip = (check: string, subject: string, detail: string): Check => ({
  check,
  subject,
  status: 'skip',
  detail,
});

/** The stand-in or AWS cannot be reached at all: one line for the whole run (run.ts), not one per check. */
const unreachable = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const name = (error as Error | undefined)?.name;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EHOSTUNREACH' ||
    name === 'CredentialsProviderError' ||
    /Region is missing/i.test((error as Error | undefined)?.message ?? '')
  );
};

/** A check's own failure (access denied, throttled): it fails that check, the others still run. */
const failure = (check: string, subject: string, error: unknown): Check => {
  if (unreachable(error)) throw error;
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
  return fail(check, subject, `${(error as Error).name ?? 'error'}: ${message}`);
};

const keyOf = (schema: readonly KeySchemaElement[] | undefined) => ({
  partitionKey: schema?.find((k) => k.KeyType === 'HASH')?.AttributeName,
  sortKey: schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName,
});

const showKey = (key: { partitionKey?: string | undefined; sortKey?: string | undefined }) =>
  `(${[key.partitionKey, key.sortKey].filter(Boolean).join(', ')})`;

const typeOf = (definitions: readonly AttributeDefinition[] | undefined, name: string) =>
  definitions?.find((d) => d.AttributeName === name)?.AttributeType;

/** Lethe fills key templates and index values with the account id: those attributes must be strings. */
const stringKeyProblem = (
  definitions: readonly AttributeDefinition[] | undefined,
  name: string,
  what: string,
): string | undefined => {
  const type = typeOf(definitions, name);
  return type !== undefined && type !== 'S'
    ? `${what} ${name} is of type ${type}, but Lethe looks it up by the account id, a string (S)`
    : undefined;
};

/** DescribeTable once per table, however many stores and retention rules name it. */
export type Describe = (table: string) => Promise<TableDescription | undefined>;

export const describer = (services: Services): Describe => {
  const seen = new Map<string, Promise<TableDescription | undefined>>();
  return (table) => {
    let answer = seen.get(table);
    if (!answer) {
      answer = services.ddb.send(new DescribeTableCommand({ TableName: table })).then((r) => r.Table);
      seen.set(table, answer);
    }
    return answer;
  };
};

export const checkDynamoStore = async (describe: Describe, store: DynamoStore): Promise<Check> => {
  const check = 'store';
  const subject = store.name;
  let table: TableDescription | undefined;
  try {
    table = await describe(store.table);
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      return fail(check, subject, `table ${store.table} does not exist`);
    }
    return failure(check, subject, error);
  }
  const actual = keyOf(table?.KeySchema);
  const expected = { partitionKey: store.key.partitionKey, sortKey: store.key.sortKey };
  if (actual.partitionKey !== expected.partitionKey || actual.sortKey !== expected.sortKey) {
    return fail(
      check,
      subject,
      `table ${store.table} has key ${showKey(actual)}, the data map says ${showKey(expected)}`,
    );
  }
  const definitions = table?.AttributeDefinitions;
  if (store.kind === 'dynamodb-partition') {
    const problem = stringKeyProblem(definitions, store.key.partitionKey, 'partition key');
    if (problem) return fail(check, subject, `table ${store.table}: ${problem}`);
    return pass(check, subject, `table ${store.table}, key ${showKey(actual)}`);
  }
  const indexes = [...(table?.GlobalSecondaryIndexes ?? []), ...(table?.LocalSecondaryIndexes ?? [])];
  const index = indexes.find((i) => i.IndexName === store.index);
  if (!index) {
    const names = indexes.map((i) => i.IndexName).join(', ') || 'none';
    return fail(check, subject, `table ${store.table} has no index ${store.index} (it has: ${names})`);
  }
  const indexKey = keyOf(index.KeySchema).partitionKey;
  if (indexKey !== store.attribute) {
    return fail(
      check,
      subject,
      `index ${store.index} of table ${store.table} is keyed on ${indexKey}, the data map says ${store.attribute}`,
    );
  }
  const problem = stringKeyProblem(definitions, store.attribute, 'index key');
  if (problem) return fail(check, subject, `table ${store.table}: ${problem}`);
  const status = 'IndexStatus' in index ? index.IndexStatus : undefined;
  if (status !== undefined && status !== 'ACTIVE' && status !== 'UPDATING') {
    return fail(check, subject, `index ${store.index} of table ${store.table} is ${status}, not ACTIVE`);
  }
  return pass(
    check,
    subject,
    `table ${store.table}, key ${showKey(actual)}, index ${store.index} on ${store.attribute}`,
  );
};

export const checkBucket = async (services: Services, store: S3PrefixStore): Promise<Check> => {
  const check = 'store';
  const subject = store.name;
  try {
    await services.s3.send(new HeadBucketCommand({ Bucket: store.bucket }));
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if ((error as Error).name === 'NotFound' || status === 404) {
      return fail(check, subject, `bucket ${store.bucket} does not exist`);
    }
    if (status === 403) return fail(check, subject, `bucket ${store.bucket}: access denied (403)`);
    return failure(check, subject, error);
  }
  // A versioned bucket keeps every older version unless the purge deletes versions too.
  const versioning = await services.s3
    .send(new GetBucketVersioningCommand({ Bucket: store.bucket }))
    .then((answer) => answer.Status)
    .catch(() => 'unknown' as const);
  if ((versioning === 'Enabled' || versioning === 'Suspended') && !store.versioned) {
    return fail(
      check,
      subject,
      `bucket ${store.bucket} is versioned (${versioning}) but the store does not say versioned: true, so a purge would leave older versions behind`,
    );
  }
  const note = versioning === 'unknown' ? ', versioning not readable' : '';
  return pass(check, subject, `bucket ${store.bucket} exists, prefix ${store.prefix}${note}`);
};

/** The user pool exists and answers (DescribeUserPool). */
const checkUserPool = async (services: Services, store: CognitoUserPoolStore): Promise<Check> => {
  const subject = store.name;
  try {
    const name = await services.cognitoUsers.poolName(store);
    return pass(
      'store',
      subject,
      `user pool ${store.userPoolId} (${name}), account id is its ${store.accountIdIs ?? 'username'}`,
    );
  } catch (error) {
    return failure('store', subject, error);
  }
};

const checkStore = (services: Services, describe: Describe, store: Store): Promise<Check> => {
  switch (store.kind) {
    case 'dynamodb-partition':
    case 'dynamodb-index':
      return checkDynamoStore(describe, store);
    case 's3-prefix':
      return checkBucket(services, store);
    case 'processor':
      return Promise.resolve(
        skip('store', store.name, 'a processor is only called at purge time; verify sends it nothing'),
      );
    case 'cognito-user-pool':
      return checkUserPool(services, store);
    default:
      return Promise.resolve(
        skip('store', (store as Store).name, `verify does not check ${(store as Store).kind} stores yet`),
      );
  }
};

/**
 * A retention rule over a DynamoDB store finds what expired through the
 * sparse `lethe-retention` index the host app keeps (docs/retention.md); with
 * `ttl`, DynamoDB's TTL must be on the expiry attribute too.
 */
export const checkRetentionIndex = async (
  services: Services,
  describe: Describe,
  task: Extract<RetentionTask, { timeAttribute: string }>,
): Promise<Check> => {
  const check = 'retention';
  const subject = `${task.rule.category}: ${task.store.name}`;
  const table = task.store.table;
  let description: TableDescription | undefined;
  try {
    description = await describe(table);
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      return fail(check, subject, `table ${table} does not exist`);
    }
    return failure(check, subject, error);
  }
  const index = description?.GlobalSecondaryIndexes?.find((i) => i.IndexName === RETENTION_INDEX);
  const expected = { partitionKey: retentionIndex.partitionKey, sortKey: retentionIndex.sortKey };
  if (!index) {
    return fail(
      check,
      subject,
      `table ${table} has no index ${RETENTION_INDEX} ${showKey(expected)}, which finds what expired (docs/retention.md)`,
    );
  }
  const actual = keyOf(index.KeySchema);
  if (actual.partitionKey !== expected.partitionKey || actual.sortKey !== expected.sortKey) {
    return fail(
      check,
      subject,
      `index ${RETENTION_INDEX} of table ${table} is keyed ${showKey(actual)}, it must be ${showKey(expected)}`,
    );
  }
  const sortType = typeOf(description?.AttributeDefinitions, retentionIndex.sortKey ?? '');
  if (sortType !== undefined && sortType !== 'N') {
    return fail(
      check,
      subject,
      `index ${RETENTION_INDEX} of table ${table}: ${retentionIndex.sortKey} is of type ${sortType}, it must be a number (N, epoch seconds)`,
    );
  }
  if (!task.rule.ttl) return pass(check, subject, `table ${table}, index ${RETENTION_INDEX}`);
  try {
    const { TimeToLiveDescription: ttl } = await services.ddb.send(
      new DescribeTimeToLiveCommand({ TableName: table }),
    );
    const on =
      (ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING') &&
      ttl.AttributeName === RETENTION_EXPIRY_ATTRIBUTE;
    return on
      ? pass(check, subject, `table ${table}, index ${RETENTION_INDEX}, TTL on ${RETENTION_EXPIRY_ATTRIBUTE}`)
      : fail(
          check,
          subject,
          `the rule sets ttl, but table ${table} has TTL ${ttl?.TimeToLiveStatus ?? 'DISABLED'}${ttl?.AttributeName ? ` on ${ttl.AttributeName}` : ''}, not on ${RETENTION_EXPIRY_ATTRIBUTE}`,
        );
  } catch (error) {
    return failure(check, subject, error);
  }
};

/** The prefix a lifecycle rule covers, or undefined when a tag or size filter narrows it to some objects only. */
const coveredPrefix = (rule: LifecycleRule): string | undefined => {
  const filter = rule.Filter;
  if (filter?.Tag || filter?.ObjectSizeGreaterThan || filter?.ObjectSizeLessThan) return undefined;
  if (filter?.And) return filter.And.Tags?.length ? undefined : (filter.And.Prefix ?? '');
  return filter?.Prefix ?? rule.Prefix ?? '';
};

/** An enabled rule over the whole prefix that expires objects (and old versions) within the days. */
const expiresInTime = (rule: LifecycleRule, expiry: LifecycleExpiry): boolean => {
  const prefix = coveredPrefix(rule);
  const days = rule.Expiration?.Days;
  const noncurrent = rule.NoncurrentVersionExpiration?.NoncurrentDays;
  return (
    rule.Status === 'Enabled' &&
    prefix !== undefined &&
    expiry.prefix.startsWith(prefix) &&
    days !== undefined &&
    days <= expiry.days &&
    (!expiry.versioned || (noncurrent !== undefined && noncurrent <= expiry.days))
  );
};

/** Any enabled rule that expires objects somewhere under the store's prefix (or above it), tags or not. */
const expiresSome = (rule: LifecycleRule, prefix: string): boolean => {
  const theirs = rule.Filter?.And?.Prefix ?? rule.Filter?.Prefix ?? rule.Prefix ?? '';
  const expires =
    rule.Expiration?.Days !== undefined ||
    rule.Expiration?.Date !== undefined ||
    rule.NoncurrentVersionExpiration?.NoncurrentDays !== undefined;
  return rule.Status === 'Enabled' && expires && (prefix.startsWith(theirs) || theirs.startsWith(prefix));
};

const prefixOf = (rule: LifecycleRule) =>
  rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? rule.Prefix ?? '';

/**
 * The lifecycle rules on a retention rule's S3 store. A `ttl` rule asks for
 * an expiration rule on its prefix: the construct adds it to a bucket defined
 * in the same CDK app; for any other bucket this names the missing rule, in
 * one line, so an operator can add it (Lethe's sweeper still deletes to the
 * hour without it). Without `ttl`, holds must win (P4), so a lifecycle rule
 * that expires objects under the prefix fails: S3 would delete what a legal
 * hold keeps.
 */
export const checkLifecycle = async (
  services: Services,
  item: {
    readonly rule: { readonly category: string; readonly window: string; readonly ttl?: boolean };
    readonly store: S3PrefixStore;
    readonly expiry: LifecycleExpiry;
  },
): Promise<Check> => {
  const { rule, store, expiry } = item;
  const check = 'retention';
  const subject = `${rule.category}: ${store.name}`;
  let rules: LifecycleRule[] = [];
  try {
    const answer = await services.s3.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: store.bucket }),
    );
    rules = answer.Rules ?? [];
  } catch (error) {
    if ((error as Error).name !== 'NoSuchLifecycleConfiguration') return failure(check, subject, error);
  }
  if (rule.ttl !== true) {
    const breaking = rules.find((r) => expiresSome(r, expiry.prefix));
    return breaking
      ? fail(
          check,
          subject,
          `bucket ${store.bucket}: lifecycle rule ${breaking.ID ?? '(no id)'} expires objects under "${prefixOf(breaking)}", which ignores legal holds, and category ${rule.category} does not set ttl: remove the rule, or set ttl if no hold must keep these (docs/retention.md)`,
        )
      : pass(
          check,
          subject,
          `bucket ${store.bucket}: no lifecycle rule expires "${expiry.prefix}" (holds win)`,
        );
  }
  const versions = expiry.versioned ? ', noncurrent versions too' : '';
  const found = rules.find((r) => expiresInTime(r, expiry));
  return found
    ? pass(
        check,
        subject,
        `bucket ${store.bucket}: lifecycle rule ${found.ID ?? '(no id)'} expires "${prefixOf(found)}" after ${found.Expiration?.Days} days`,
      )
    : fail(
        check,
        subject,
        `bucket ${store.bucket} has no lifecycle rule expiring "${expiry.prefix}" after ${expiry.days} days${versions} (category ${rule.category}, window ${rule.window}, ttl): add it (docs/retention.md)`,
      );
};

/**
 * A log group a rule names keeps its logs no longer than the window. The
 * retention sweeper sets it on every run; this says whether it holds now.
 * Local mode has no CloudWatch Logs stand-in: skipped there.
 */
export const checkLogGroup = async (
  services: Services,
  item: { readonly category: string; readonly group: string; readonly window: string; readonly days: number },
): Promise<Check> => {
  const check = 'retention';
  const subject = `${item.category}: ${item.group}`;
  if (services.target.kind === 'local') {
    return skip(
      check,
      subject,
      'local mode has no CloudWatch Logs stand-in: log group retention is set in AWS only',
    );
  }
  try {
    const days = await services.logRetention.current(item.group);
    if (days === null) {
      return fail(check, subject, `log group ${item.group} does not exist: check the name in the rule`);
    }
    // The retention sweeper's own rule (functions/core/retention.ts): what it would set is what is wrong now.
    if (logRetentionToSet(days, item.window) !== undefined) {
      return fail(
        check,
        subject,
        `log group ${item.group} keeps logs ${days === undefined ? 'forever' : `${days} days`}; category ${item.category} allows ${item.days} (window ${item.window}): the retention sweeper sets it on its next run`,
      );
    }
    return pass(check, subject, `log group ${item.group} keeps logs ${days} days (allowed: ${item.days})`);
  } catch (error) {
    return failure(check, subject, error);
  }
};

/** The sender's domain, or the address itself, whichever SES has verified. */
export const checkSesIdentity = async (services: Services, sender: string): Promise<Check> => {
  const check = 'ses identity';
  const domain = senderDomain(sender);
  try {
    const identity = await services.ses.send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
    return identity.VerifiedForSendingStatus
      ? pass(check, domain, 'verified for sending')
      : fail(
          check,
          domain,
          `not verified for sending (${identity.VerificationStatus ?? 'status unknown'}): finish the DNS records SES asked for`,
        );
  } catch (error) {
    if (services.target.kind === 'local' && standInLacks(error)) {
      return skip(check, domain, 'the SES stand-in has no GetEmailIdentity; it sends from any address');
    }
    if ((error as Error).name === 'NotFoundException') {
      return fail(check, domain, `SES has no identity ${domain}: create and verify it (docs/deploy.md)`);
    }
    return failure(check, domain, error);
  }
};

export const checkSesAccount = async (services: Services): Promise<Check> => {
  const check = 'ses account';
  const subject = 'sending';
  try {
    const account = await services.ses.send(new GetAccountCommand({}));
    if (!account.SendingEnabled) return fail(check, subject, 'sending is disabled for this account');
    if (!account.ProductionAccessEnabled) {
      return fail(
        check,
        subject,
        'in the SES sandbox: only verified addresses receive mail; request production access',
      );
    }
    const quota = account.SendQuota?.Max24HourSend;
    return pass(check, subject, `out of the sandbox${quota ? `, ${quota} messages per 24 hours` : ''}`);
  } catch (error) {
    if (services.target.kind === 'local' && standInLacks(error)) {
      return skip(check, subject, 'the SES stand-in has no account to report (no sandbox locally)');
    }
    return failure(check, subject, error);
  }
};

/** aws-ses-v2-local answers 404 to operations it lacks, and 400 to GetAccount unless told an account. */
const standInLacks = (error: unknown): boolean => {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return !unreachable(error) && (status === 404 || status === 400);
};

const isConfirmed = (s: Subscription) => s.SubscriptionArn?.startsWith('arn:') === true;

export const checkAlarmTopic = async (services: Services): Promise<Check> => {
  const check = 'alarm topic';
  if (services.target.kind === 'local') {
    return skip(check, 'subscriptions', 'local mode has no SNS stand-in: alarms exist only in AWS');
  }
  const topic = await services.target.output(ALARM_TOPIC_OUTPUT);
  if (!topic) {
    return fail(
      check,
      'subscriptions',
      `the stacks have no output ${ALARM_TOPIC_OUTPUT}: deploy this version`,
    );
  }
  try {
    const subscriptions: Subscription[] = [];
    let next: string | undefined;
    do {
      const page = await services.sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topic, ...(next && { NextToken: next }) }),
      );
      subscriptions.push(...(page.Subscriptions ?? []));
      next = page.NextToken;
    } while (next);
    const confirmed = subscriptions.filter(isConfirmed);
    const pending = subscriptions.length - confirmed.length;
    if (confirmed.length === 0) {
      return fail(
        check,
        topic,
        `no confirmed subscription${pending ? ` (${pending} pending confirmation)` : ''}: nobody hears the alarms (docs/monitoring.md)`,
      );
    }
    const protocols = [...new Set(confirmed.map((s) => s.Protocol ?? '?'))].join(', ');
    return pass(
      check,
      topic,
      `${confirmed.length} confirmed (${protocols})${pending ? `, ${pending} pending` : ''}`,
    );
  } catch (error) {
    return failure(check, topic, error);
  }
};

/** `https://abc123.execute-api.eu-west-1.amazonaws.com/` → `abc123`. */
export const apiIdOf = (apiUrl: string): string | undefined =>
  /^https:\/\/([a-z0-9]+)\.execute-api\./.exec(apiUrl)?.[1];

/** The issuer the deployed JWT authorizer trusts: what tokens are checked against, whatever the config says. */
const deployedIssuer = async (services: Services): Promise<string | undefined> => {
  const apiId = apiIdOf(await services.target.resource('apiUrl'));
  if (!apiId) return undefined;
  const { Items } = await services.apiGateway.send(new GetAuthorizersCommand({ ApiId: apiId }));
  return Items?.find((a) => a.AuthorizerType === 'JWT')?.JwtConfiguration?.Issuer;
};

export const discoveryUrlOf = (issuer: string) =>
  `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;

export const checkIssuer = async (services: Services, input: VerifyInput): Promise<Check> => {
  const check = 'jwt issuer';
  if (services.target.kind === 'local') {
    return skip(
      check,
      'discovery',
      'local mode signs its own tokens (npm run token): there is no issuer to ask',
    );
  }
  if (input.offline) return skip(check, 'discovery', '--offline');
  let issuer: string | undefined;
  try {
    issuer = await deployedIssuer(services);
  } catch (error) {
    return failure(check, 'discovery', error);
  }
  if (!issuer) return fail(check, 'discovery', 'the API has no JWT authorizer');
  const get = input.fetch ?? fetch;
  const url = discoveryUrlOf(issuer);
  try {
    const response = await get(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
    if (!response.ok) return fail(check, issuer, `${url} answered ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (document.issuer !== issuer) {
      return fail(
        check,
        issuer,
        `the discovery document names issuer ${String(document.issuer)}: tokens would carry that, and API Gateway refuses them`,
      );
    }
    if (typeof document.jwks_uri !== 'string') {
      return fail(check, issuer, 'the discovery document has no jwks_uri');
    }
    const jwks = await get(document.jwks_uri, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
    const keys = jwks.ok ? ((await jwks.json()) as { keys?: unknown[] }).keys : undefined;
    if (!Array.isArray(keys) || keys.length === 0) {
      return fail(check, issuer, `${document.jwks_uri} answered ${jwks.status} with no signing keys`);
    }
    return pass(
      check,
      issuer,
      `discovery answers, ${keys.length} signing key${keys.length === 1 ? '' : 's'}`,
    );
  } catch (error) {
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    return fail(check, issuer, `${url} did not answer: ${reason}`);
  }
};

const countOf = (checks: readonly Check[], status: CheckStatus) =>
  checks.filter((c) => c.status === status).length;

export const verify = async (services: Services, input: VerifyInput): Promise<VerifyReport> => {
  // Independent reads: all at once, reported in a fixed order.
  const describe = describer(services);
  const retention = retentionTasks(input.config.dataMap).filter(
    (task): task is Extract<RetentionTask, { timeAttribute: string }> => 'timeAttribute' in task,
  );
  const checks = await Promise.all([
    ...input.config.dataMap.stores.map((store) => checkStore(services, describe, store)),
    ...retention.map((task) => checkRetentionIndex(services, describe, task)),
    ...retentionTasks(input.config.dataMap).flatMap((task) =>
      task.store.kind === 's3-prefix'
        ? [
            checkLifecycle(services, {
              rule: task.rule,
              store: task.store,
              expiry: lifecycleExpiryOf(task.rule, task.store),
            }),
          ]
        : [],
    ),
    ...retentionLogGroups(input.config.dataMap).map((item) => checkLogGroup(services, item)),
    checkSesIdentity(services, input.config.notices.sender),
    checkSesAccount(services),
    checkAlarmTopic(services),
    checkIssuer(services, input),
  ]);
  const counts = {
    pass: countOf(checks, 'pass'),
    fail: countOf(checks, 'fail'),
    skip: countOf(checks, 'skip'),
  };
  return {
    target: services.target.kind,
    config: input.source,
    passed: counts.fail === 0,
    counts,
    checks,
  };
};
