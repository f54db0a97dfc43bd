/**
 * Lethe as a library: `import { Lethe } from 'lethe'`. The constructs, their
 * props, and the data-map and configuration types. Function code ships
 * prebuilt in the package (dist/bundles); nothing here needs esbuild.
 */

export {
  CONFIG_DEFAULTS,
  type ExportSettings,
  type LetheConfig,
  LetheConfigError,
  type LetheConfigInput,
  LOG_RETENTION_DAYS,
  type NoticeSettings,
  parseConfig,
} from '../functions/core/config-schema.ts';
export * from '../functions/core/data-map.ts';
export type { LetheAlarms, LetheAlarmsProps } from './alarms.ts';
export type { JwtSettings, LetheApi, ThrottleSettings } from './api.ts';
export { DEFAULT_THROTTLE } from './api.ts';
export type { LetheEnforcement } from './enforcement.ts';
export type { LetheExport } from './export.ts';
export {
  type BucketReference,
  Lethe,
  type LetheAlarmProps,
  type LetheAuth,
  type LetheCognitoAuth,
  type LetheDataMap,
  type LetheJwtAuth,
  type LetheNoticeProps,
  type LetheProps,
  type LetheRetentionRule,
  type LetheStore,
  resolveDataMap,
  type TableReference,
} from './lethe.ts';
export type { LetheFunction } from './lethe-function.ts';
export type { LetheNotices } from './notices.ts';
export type { AwsExpiry, LogGroupReference } from './retention-expiry.ts';
export { LetheRuntimeConfig } from './runtime-config.ts';
export {
  type ExportsBucketRef,
  LetheState,
  type LetheStateProps,
  type LetheStateResources,
} from './state.ts';
