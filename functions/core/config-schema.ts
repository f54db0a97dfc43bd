/**
 * Lethe's configuration: its type, and the one schema that checks it. The
 * Lethe construct runs `parseConfig` at synth (invalid props fail before any
 * deploy) and every function runs it again at cold start on what the
 * construct passed (functions/commons/config.ts), so both sides accept
 * exactly the same configurations. zod/mini keeps the schema tree-shakeable:
 * the classic `z` would put all of zod in every bundle.
 */
import * as z from 'zod/mini';
import { type DataMap, type Store, validateDataMap } from './data-map.ts';
import { parseDuration } from './duration.ts';

export interface LetheConfig {
  /** Shown in notices and pages. */
  readonly productName: string;
  /** ISO-8601 duration from deactivation to purge (P3). */
  readonly gracePeriod: string;
  /** Reminders, as durations before `purgeAfter` (P6). */
  readonly noticeSchedule: readonly string[];
  /** How often the sweeper looks for due accounts: whole minutes, at least PT1M. */
  readonly sweepInterval: string;
  /**
   * Purge workers that may run at once (SQS maximum concurrency, 2–1000).
   * Each deletes from every store in the data map: raise it only as far as
   * the host app's tables and buckets can take the extra writes.
   */
  readonly purgeConcurrency: number;
  /** Notices (P6): who sends them and where their links point. */
  readonly notices: NoticeSettings;
  /** How long audit events are kept (ISO-8601 duration); receipts are kept for good. */
  readonly auditRetention: string;
  /**
   * Retention (P9): how late past its window an item may be deleted at most
   * (ISO-8601 duration). Lethe deletes in time for it; TTL, where on, earlier.
   * @default P1D
   */
  readonly retentionMaxLag?: string;
  /** Days the Lambda log groups keep their logs: one of CloudWatch Logs' retention values. */
  readonly logRetentionDays: number;
  /** Data exports (P7). */
  readonly exports?: ExportSettings;
  /**
   * The deletion SLA (P2): purged within `afterPurgeAfter` of purgeAfter, and
   * never later than `outerBound` after it. Each receipt records it as met or
   * missed; the OverdueAccounts alarm fires past `afterPurgeAfter`.
   * @default { afterPurgeAfter: 'P1D', outerBound: 'P30D' }
   */
  readonly deletionSla?: DeletionSlaSettings;
  readonly dataMap: DataMap;
}

export interface DeletionSlaSettings {
  readonly afterPurgeAfter?: string;
  readonly outerBound?: string;
}

export interface ExportSettings {
  /** Exports an account may ask for in any 24 hours. @default 3 */
  readonly perDay?: number;
  /** How long a download link works, as an ISO-8601 duration. @default PT24H */
  readonly linkExpiry?: string;
}

export interface NoticeSettings {
  /** The From address: an identity verified in SES. */
  readonly sender: string;
  /** The SES configuration set every notice is sent with (bounce and complaint events). */
  readonly configurationSet: string;
  /**
   * The public base URL restore links point at (a custom domain in front of the API).
   * @default the API's own URL (CDK passes it as LETHE_PUBLIC_URL; local mode, its server's)
   */
  readonly publicUrl?: string;
  /** Where users can ask questions; shown in every notice's footer. */
  readonly supportUrl: string;
  /** How long backups keep deleted data (PITR keeps 35 days): the receipt's "gone from backups by". */
  readonly backupRetention: string;
}

/** The defaults every optional setting takes, in one place (the construct's props document them). */
export const CONFIG_DEFAULTS = {
  gracePeriod: 'P30D',
  noticeSchedule: ['P7D', 'P1D'],
  sweepInterval: 'PT15M',
  purgeConcurrency: 5,
  auditRetention: 'P1095D',
  logRetentionDays: 30,
  backupRetention: 'P35D',
  exports: { perDay: 3, linkExpiry: 'PT24H' },
} as const;

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** What SQS accepts as an event source's maximum concurrency. */
export const PURGE_CONCURRENCY_RANGE = { min: 2, max: 1000 } as const;

const isDuration = (text: string): boolean => {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
};

const text = () => z.string().check(z.trim(), z.minLength(1, 'must not be empty'));
const duration = () =>
  z
    .string()
    .check(
      z.refine(
        isDuration,
        'must be an ISO-8601 duration of weeks, days, hours, minutes or seconds (e.g. P30D)',
      ),
    );
const httpsUrl = () => z.string().check(z.regex(/^https:\/\/[^\s/]+/, 'must be an https URL'));
/** A name the host app owns: a plain name, or (at synth) a CDK token that CloudFormation resolves. */
const resourceName = () => text();

const keySchema = z.looseObject({ partitionKey: text(), sortKey: z.optional(text()) });

/**
 * Each store kind's fields. Loose objects: a field added to a store type by
 * a newer Lethe passes through to the code that knows it (the data map's own
 * checks live in validateDataMap, run after the schema).
 */
const storeSchema = z.discriminatedUnion('kind', [
  z.looseObject({
    kind: z.literal('dynamodb-partition'),
    name: text(),
    table: resourceName(),
    key: keySchema,
    keyTemplate: text(),
  }),
  z.looseObject({
    kind: z.literal('dynamodb-index'),
    name: text(),
    table: resourceName(),
    key: keySchema,
    index: text(),
    attribute: text(),
  }),
  z.looseObject({
    kind: z.literal('s3-prefix'),
    name: text(),
    bucket: resourceName(),
    prefix: text(),
    versioned: z.optional(z.boolean()),
  }),
  z.looseObject({
    kind: z.literal('processor'),
    name: text(),
    deletionUrl: text(),
    statusUrl: z.optional(text()),
    deadline: duration(),
  }),
  z.looseObject({
    kind: z.literal('cognito-user-pool'),
    name: text(),
    userPoolId: resourceName(),
    accountIdIs: z.optional(z.enum(['username', 'sub'])),
  }),
]);

/** Fails typecheck when a store kind is added to data-map.ts but not to the schema above. */
type SameKinds<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const storeKindsCovered: SameKinds<z.infer<typeof storeSchema>['kind'], Store['kind']> = true;
void storeKindsCovered;

const dataMapSchema = z.looseObject({
  profile: z.looseObject({
    store: text(),
    attributes: z.looseObject({
      email: text(),
      name: z.optional(text()),
      locale: z.optional(text()),
      timeZone: z.optional(text()),
    }),
  }),
  stores: z.array(storeSchema).check(z.minLength(1, 'must name at least one store')),
  // Retention rules (P9): their shape here, their meaning (stores, times, windows) in validateDataMap.
  retention: z.optional(
    z.array(
      z.looseObject({
        category: text(),
        labels: z.record(z.string(), z.string()),
        window: z.string(),
        basis: z.optional(text()),
        stores: z.optional(z.array(z.looseObject({ store: text(), timeAttribute: z.optional(text()) }))),
        logGroups: z.optional(z.array(text())),
        ttl: z.optional(z.boolean()),
      }),
    ),
  ),
});

/**
 * Loose objects throughout: a setting added by a newer Lethe (or another
 * capability) passes through; TypeScript catches misspelled props.
 */
export const letheConfigSchema = z.looseObject({
  productName: text(),
  gracePeriod: z._default(duration(), CONFIG_DEFAULTS.gracePeriod),
  noticeSchedule: z._default(z.array(duration()), [...CONFIG_DEFAULTS.noticeSchedule]),
  sweepInterval: z._default(
    duration().check(
      z.refine((value) => {
        const minutes = parseDuration(value) / 60_000;
        return Number.isInteger(minutes) && minutes >= 1;
      }, 'must be a whole number of minutes, at least PT1M (EventBridge Scheduler rates are in minutes)'),
    ),
    CONFIG_DEFAULTS.sweepInterval,
  ),
  purgeConcurrency: z._default(
    z
      .number()
      .check(
        z.int(),
        z.gte(
          PURGE_CONCURRENCY_RANGE.min,
          `must be a whole number from ${PURGE_CONCURRENCY_RANGE.min} to ${PURGE_CONCURRENCY_RANGE.max} (SQS maximum concurrency)`,
        ),
        z.lte(
          PURGE_CONCURRENCY_RANGE.max,
          `must be a whole number from ${PURGE_CONCURRENCY_RANGE.min} to ${PURGE_CONCURRENCY_RANGE.max} (SQS maximum concurrency)`,
        ),
      ),
    CONFIG_DEFAULTS.purgeConcurrency,
  ),
  notices: z.looseObject({
    sender: text().check(
      z.regex(
        /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/,
        'must be an email address, or "Name <address>"',
      ),
    ),
    configurationSet: text(),
    publicUrl: z.optional(httpsUrl()),
    supportUrl: text(),
    backupRetention: z._default(duration(), CONFIG_DEFAULTS.backupRetention),
  }),
  auditRetention: z._default(duration(), CONFIG_DEFAULTS.auditRetention),
  retentionMaxLag: z.optional(duration()),
  logRetentionDays: z._default(
    z
      .number()
      .check(
        z.refine(
          (days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days),
          `must be one of CloudWatch Logs' retention values: ${LOG_RETENTION_DAYS.join(', ')}`,
        ),
      ),
    CONFIG_DEFAULTS.logRetentionDays,
  ),
  exports: z._default(
    z.looseObject({
      perDay: z._default(
        z.number().check(z.int(), z.gte(1, 'must be at least 1')),
        CONFIG_DEFAULTS.exports.perDay,
      ),
      linkExpiry: z._default(
        duration().check(
          z.refine(
            (value) => parseDuration(value) <= 7 * 86_400_000,
            'must be at most P7D (the longest a presigned S3 URL lives)',
          ),
        ),
        CONFIG_DEFAULTS.exports.linkExpiry,
      ),
    }),
    { ...CONFIG_DEFAULTS.exports },
  ),
  deletionSla: z.optional(
    z.looseObject({ afterPurgeAfter: z.optional(duration()), outerBound: z.optional(duration()) }),
  ),
  dataMap: dataMapSchema,
});

/** What a caller may leave out: every setting with a default. */
export type LetheConfigInput = z.input<typeof letheConfigSchema>;

/** Fails typecheck when the schema's output drifts from LetheConfig. */
const outputIsConfig = (value: z.output<typeof letheConfigSchema>): LetheConfig => value;
void outputIsConfig;

/** An invalid configuration, described in one line: where, and what is wrong. */
export class LetheConfigError extends Error {
  override readonly name = 'LetheConfigError';
}

const pathOf = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (out, part) =>
      typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part),
    '',
  );

/**
 * Checks a configuration and fills in its defaults, or throws one
 * LetheConfigError naming the first problem (`notices.sender: must be …`).
 */
export const parseConfig = (input: unknown): LetheConfig => {
  const result = letheConfigSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const at = pathOf(issue.path);
    throw new LetheConfigError(`${at === '' ? 'config' : at}: ${issue.message}`);
  }
  const config = result.data as LetheConfig;
  try {
    validateDataMap(config.dataMap);
  } catch (error) {
    throw new LetheConfigError((error as Error).message);
  }
  return config;
};

/**
 * Where a function finds its configuration. The Lethe construct ships it as
 * a file in a Lambda layer (no size limit to meet, unlike the 4 KB of all env
 * variables together); local mode and tests pass the JSON in `LETHE_CONFIG`.
 */
export const CONFIG_SOURCES = {
  /** The whole configuration as JSON (local mode, tests). */
  env: 'LETHE_CONFIG',
  /** A path to the JSON file. @default CONFIG_FILE */
  fileEnv: 'LETHE_CONFIG_FILE',
  /** Where the construct's config layer puts it (layers are extracted under /opt). */
  file: '/opt/lethe/config.json',
} as const;

/**
 * A value CloudFormation decides at deploy time (a table the host app passed
 * as a construct has a generated name): the config file carries
 * `{"$env": "<variable>"}` in its place and the function's environment the
 * value, so the file is fixed at synth and only those names travel in env.
 */
export const ENV_REFERENCE_KEY = '$env';

export const isEnvReference = (value: unknown): value is { readonly [ENV_REFERENCE_KEY]: string } =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  typeof (value as Record<string, unknown>)[ENV_REFERENCE_KEY] === 'string';

/** Replaces every env reference with its variable's value; a missing variable is an error. */
export const resolveEnvReferences = (
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
): unknown => {
  if (isEnvReference(value)) {
    const name = value[ENV_REFERENCE_KEY];
    const resolved = env[name];
    if (resolved === undefined || resolved === '') {
      throw new LetheConfigError(`config refers to environment variable ${name}, which is not set`);
    }
    return resolved;
  }
  if (Array.isArray(value)) return value.map((item) => resolveEnvReferences(item, env));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvReferences(v, env)]));
  }
  return value;
};
