/**
 * The example app: the demo data map and settings of lethe.config.ts, and
 * the JWT and API settings of cdk.json's context, through the public Lethe
 * construct (state in one stack, the rest in another), with cdk-nag's
 * AwsSolutions checks on. bin/lethe.ts and the CDK tests both call
 * `createApp`, so the tests check the very app that deploys.
 */
import { App, type AppProps, Duration, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { config as defaultConfig, type LetheConfig } from '../lethe.config.ts';
import { DEFAULT_THROTTLE, type JwtSettings, type ThrottleSettings } from './api.ts';
import type { LetheProps } from './lethe.ts';
import { LetheStatefulStack } from './stateful-stack.ts';
import { LetheStatelessStack } from './stateless-stack.ts';

/** The context keys Lethe reads (cdk.json, or `-c key=value`). */
export const CONTEXT_KEYS = {
  /** Required: the JWT issuer URL (https). */
  jwtIssuer: 'lethe:jwtIssuer',
  /** Required: accepted audiences, an array or a comma-separated string. */
  jwtAudience: 'lethe:jwtAudience',
  /** Optional: browser origins for CORS, an array or a comma-separated string. Unset: CORS off. */
  corsAllowOrigins: 'lethe:corsAllowOrigins',
  /** Optional: stage-wide steady requests per second. */
  throttleRateLimit: 'lethe:throttleRateLimit',
  /** Optional: stage-wide burst. */
  throttleBurstLimit: 'lethe:throttleBurstLimit',
  /** Optional: minutes the oldest purge job may wait before its alarm fires. */
  purgeBacklogAlarmMinutes: 'lethe:purgeBacklogAlarmMinutes',
} as const;

/** An hour: two failed attempts at the purge queue's 30-minute visibility timeout. */
export const DEFAULT_PURGE_BACKLOG_ALARM_MINUTES = 60;

export interface DeploySettings {
  readonly jwt: JwtSettings;
  readonly throttle: ThrottleSettings;
  readonly corsAllowOrigins: readonly string[];
  readonly purgeBacklogAlarmMinutes: number;
}

const HOW_TO_SET = 'set it in cdk.json "context" or with `npx cdk synth -c';

const listOf = (scope: Construct, key: string): string[] | undefined => {
  const raw: unknown = scope.node.tryGetContext(key);
  if (raw === undefined || raw === null) return undefined;
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
  if (items === undefined || !items.every((item) => typeof item === 'string')) {
    throw new Error(`Context "${key}" must be a string or a list of strings; ${HOW_TO_SET} ${key}=...\``);
  }
  return items.map((item) => item.trim()).filter((item) => item.length > 0);
};

const requiredList = (scope: Construct, key: string, example: string): string[] => {
  const items = listOf(scope, key);
  if (items === undefined || items.length === 0) {
    throw new Error(`Context "${key}" is missing or empty: ${HOW_TO_SET} ${key}=${example}\``);
  }
  return items;
};

const positiveInt = (scope: Construct, key: string, fallback: number): number => {
  const raw: unknown = scope.node.tryGetContext(key);
  if (raw === undefined || raw === null) return fallback;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`Context "${key}" must be a positive whole number, got ${JSON.stringify(raw)}`);
  }
  return value;
};

/** Reads and checks the deploy-time settings, failing synth with a fix-it message. */
export const readSettings = (scope: Construct): DeploySettings => {
  const issuers = requiredList(scope, CONTEXT_KEYS.jwtIssuer, 'https://your-idp.example.com/');
  const issuer = issuers[0]!;
  if (issuers.length !== 1 || !/^https:\/\/[^\s/]+/.test(issuer)) {
    throw new Error(
      `Context "${CONTEXT_KEYS.jwtIssuer}" must be one https URL (API Gateway fetches its JWKS), got ${JSON.stringify(issuers.join(','))}`,
    );
  }
  return {
    jwt: { issuer, audience: requiredList(scope, CONTEXT_KEYS.jwtAudience, 'your-client-id') },
    throttle: {
      rateLimit: positiveInt(scope, CONTEXT_KEYS.throttleRateLimit, DEFAULT_THROTTLE.rateLimit),
      burstLimit: positiveInt(scope, CONTEXT_KEYS.throttleBurstLimit, DEFAULT_THROTTLE.burstLimit),
    },
    corsAllowOrigins: listOf(scope, CONTEXT_KEYS.corsAllowOrigins) ?? [],
    purgeBacklogAlarmMinutes: positiveInt(
      scope,
      CONTEXT_KEYS.purgeBacklogAlarmMinutes,
      DEFAULT_PURGE_BACKLOG_ALARM_MINUTES,
    ),
  };
};

export interface CreateAppProps {
  /** Passed to `new App` (context, outdir, validation switches). */
  readonly appProps?: AppProps;
  /** @default the project's lethe.config.ts */
  readonly config?: LetheConfig;
  /** @default env-agnostic: account and region come from the deploying credentials */
  readonly env?: Environment;
  /** Run cdk-nag's AwsSolutions checks at synth. @default true */
  readonly nag?: boolean;
}

export interface LetheApp {
  readonly app: App;
  readonly stateful: LetheStatefulStack;
  readonly stateless: LetheStatelessStack;
}

export const STACK_NAMES = { stateful: 'LetheStateful', stateless: 'LetheStateless' } as const;

/** The example's configuration as the Lethe construct's props: the data map and settings of lethe.config.ts. */
export const letheProps = (config: LetheConfig, settings: DeploySettings): Omit<LetheProps, 'state'> => ({
  productName: config.productName,
  dataMap: config.dataMap,
  auth: settings.jwt,
  notices: {
    sender: config.notices.sender,
    supportUrl: config.notices.supportUrl,
    backupRetention: config.notices.backupRetention,
    ...(config.notices.publicUrl !== undefined && { publicUrl: config.notices.publicUrl }),
  },
  gracePeriod: config.gracePeriod,
  noticeSchedule: config.noticeSchedule,
  sweepInterval: config.sweepInterval,
  purgeConcurrency: config.purgeConcurrency,
  auditRetention: config.auditRetention,
  logRetentionDays: config.logRetentionDays,
  ...(config.exports !== undefined && { exports: config.exports }),
  throttle: settings.throttle,
  corsAllowOrigins: settings.corsAllowOrigins,
  purgeBacklogAlarmAge: Duration.minutes(settings.purgeBacklogAlarmMinutes),
});

export const createApp = (props: CreateAppProps = {}): LetheApp => {
  const config = props.config ?? defaultConfig;
  const app = new App(props.appProps);
  const settings = readSettings(app);
  const env = props.env !== undefined ? { env: props.env } : {};

  const stateful = new LetheStatefulStack(app, STACK_NAMES.stateful, env);
  const stateless = new LetheStatelessStack(app, STACK_NAMES.stateless, {
    ...env,
    lethe: { ...letheProps(config, settings), state: stateful.state },
  });

  if (props.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stateful, stateless };
};
