/**
 * What Lethe's configuration is and how a function gets it, with no schema
 * library: its type, where it is read from, and the deploy-time names it
 * refers to. The schema that checks it (and fills in its defaults) is
 * config-schema.ts, run at synth by the Lethe construct and when local mode
 * and tests load lethe.config.ts; a function reads what that schema
 * returned, so the schema library (≈ 31 KB) stays out of every bundle.
 */
import { type DataMap, validateDataMap } from './data-map.ts';

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

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** An invalid configuration, described in one line: where, and what is wrong. */
export class LetheConfigError extends Error {
  override readonly name = 'LetheConfigError';
}

/**
 * The data map's own checks (templates, https processors, retention rules),
 * run after the schema at synth and again at cold start on the names
 * CloudFormation decided: they cost no library.
 */
export const checkDataMap = <T extends { readonly dataMap: DataMap }>(config: T): T => {
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
