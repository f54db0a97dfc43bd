/**
 * The one schema that checks Lethe's configuration and fills in its
 * defaults. The Lethe construct runs `parseConfig` at synth (invalid props
 * fail before any deploy) and ships what it returns in the config layer;
 * local mode and the tests run it on lethe.config.ts before handing that to
 * the functions. So every configuration a function reads has passed this
 * schema, and a function's cold start (functions/commons/config.ts) only
 * resolves the deploy-time names and re-checks the data map: the schema
 * library is never bundled into a function. zod/mini keeps it small where
 * it does load (synth, the CLI).
 */
import * as z from 'zod/mini';
import type { Store } from './data-map.ts';
import { parseDuration } from './duration.ts';
import { checkDataMap, type LetheConfig, LetheConfigError, LOG_RETENTION_DAYS } from './lethe-config.ts';

export {
  CONFIG_SOURCES,
  type DeletionSlaSettings,
  ENV_REFERENCE_KEY,
  type ExportSettings,
  isEnvReference,
  type LetheConfig,
  LetheConfigError,
  LOG_RETENTION_DAYS,
  type NoticeSettings,
  resolveEnvReferences,
} from './lethe-config.ts';

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
  return checkDataMap(result.data as LetheConfig);
};
