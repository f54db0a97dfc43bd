/** Local mode's settings from the environment (SPEC "Local mode"), checked before anything starts. */
import { parseDuration, parseDurationList } from '../functions/core/duration.ts';
import { DEFAULT_THROTTLE, type ThrottleSettings } from '../functions/core/resources.ts';

export interface LocalSettings {
  readonly port: number;
  readonly gracePeriod: string;
  readonly noticeSchedule: string;
  readonly sweepInterval: string;
  /** How late past its window an item may be deleted at most (P9). */
  readonly retentionMaxLag: string;
  readonly seedAccounts: number;
  readonly dynamodbPort: number;
  readonly sesPort: number;
  readonly sqsS3Port: number;
  readonly cognitoPort: number;
  /** The API's throttling, as the stage's in AWS (DEFAULT_THROTTLE unless set). */
  readonly throttle: ThrottleSettings;
  readonly dataDir?: string;
  /** The fake processor (newsletter) confirms this long after a deletion request (LETHE_PROCESSOR_CONFIRM_DELAY). */
  readonly processorConfirmDelay: string;
  /** Every processor's deadline, shortened to watch one go overdue (LETHE_PROCESSOR_DEADLINE); unset: the map's. */
  readonly processorDeadline?: string;
  /** Accounts whose deletion requests the fake processor fails, holding their purge back (LETHE_PROCESSOR_FAIL_ACCOUNTS). */
  readonly processorFailAccounts: readonly string[];
  /** Accounts whose notices SES's simulated events report as a Permanent bounce (LETHE_SES_BOUNCE_ACCOUNTS). */
  readonly sesBounceAccounts: readonly string[];
  /** Accounts whose notices SES's simulated events report a complaint about (LETHE_SES_COMPLAINT_ACCOUNTS). */
  readonly sesComplaintAccounts: readonly string[];
  /** The deletion SLA after purgeAfter (LETHE_DELETION_SLA); unset: the config's (P1D). */
  readonly deletionSla?: string;
  /** Where lifecycle events are POSTed, signed with `webhookSecret` (both or neither). */
  readonly webhook?: { readonly url: string; readonly secret: string };
}

export class SettingsError extends Error {}

const integer = (
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`${name}=${raw} is not a whole number from ${min} to ${max}`);
  }
  return value;
};

const duration = (env: NodeJS.ProcessEnv, name: string, fallback: string, list = false): string => {
  const raw = env[name] === undefined || env[name] === '' ? fallback : (env[name] as string);
  try {
    if (list) parseDurationList(raw);
    else if (parseDuration(raw) <= 0) throw new Error('zero');
  } catch {
    throw new SettingsError(
      `${name}=${raw} is not an ISO-8601 duration${list ? ' list' : ''} (e.g. ${fallback})`,
    );
  }
  return raw;
};

/** A comma-separated list of account ids. */
const idList = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);

export const readSettings = (env: NodeJS.ProcessEnv = process.env): LocalSettings => ({
  port: integer(env, 'PORT', 3000, 0, 65_535),
  gracePeriod: duration(env, 'LETHE_GRACE_PERIOD', 'P30D'),
  noticeSchedule: duration(env, 'LETHE_NOTICE_SCHEDULE', 'P7D,P1D', true),
  sweepInterval: duration(env, 'LETHE_SWEEP_INTERVAL', 'PT1M'),
  retentionMaxLag: duration(env, 'LETHE_RETENTION_MAX_LAG', 'P1D'),
  seedAccounts: integer(env, 'LETHE_SEED_ACCOUNTS', 25, 0, 9999),
  dynamodbPort: integer(env, 'LETHE_DYNAMODB_PORT', 8000, 1, 65_535),
  sesPort: integer(env, 'LETHE_SES_PORT', 8005, 1, 65_535),
  sqsS3Port: integer(env, 'LETHE_SQS_S3_PORT', 4566, 1, 65_535),
  cognitoPort: integer(env, 'LETHE_COGNITO_PORT', 8006, 1, 65_535),
  throttle: {
    rateLimit: integer(env, 'LETHE_THROTTLE_RATE', DEFAULT_THROTTLE.rateLimit, 1, 1_000_000),
    burstLimit: integer(env, 'LETHE_THROTTLE_BURST', DEFAULT_THROTTLE.burstLimit, 1, 1_000_000),
  },
  ...(env.LETHE_DATA_DIR && { dataDir: env.LETHE_DATA_DIR }),
  processorConfirmDelay: duration(env, 'LETHE_PROCESSOR_CONFIRM_DELAY', 'PT10S'),
  ...(env.LETHE_PROCESSOR_DEADLINE && {
    processorDeadline: duration(env, 'LETHE_PROCESSOR_DEADLINE', 'P30D'),
  }),
  processorFailAccounts: idList(env.LETHE_PROCESSOR_FAIL_ACCOUNTS),
  sesBounceAccounts: idList(env.LETHE_SES_BOUNCE_ACCOUNTS),
  sesComplaintAccounts: idList(env.LETHE_SES_COMPLAINT_ACCOUNTS),
  ...(env.LETHE_DELETION_SLA && { deletionSla: duration(env, 'LETHE_DELETION_SLA', 'P1D') }),
  ...webhook(env),
});

const webhook = (env: NodeJS.ProcessEnv): Pick<LocalSettings, 'webhook'> => {
  const url = env.LETHE_WEBHOOK_URL ?? '';
  const secret = env.LETHE_WEBHOOK_SECRET ?? '';
  if (url === '' && secret === '') return {};
  if (url === '' || secret === '') {
    throw new SettingsError('LETHE_WEBHOOK_URL and LETHE_WEBHOOK_SECRET go together: set both, or neither');
  }
  if (!/^https?:\/\//.test(url)) throw new SettingsError(`LETHE_WEBHOOK_URL=${url} is not an http(s) URL`);
  return { webhook: { url, secret } };
};
