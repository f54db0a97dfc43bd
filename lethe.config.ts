/**
 * Lethe's one configuration file: the data map (where the host app keeps an
 * account's data) and the retention settings. CDK reads it to grant each
 * function exactly these resources; the functions bundle it to know what to
 * export and purge. Edit this file, not the code.
 *
 * The map below describes the demo app that local mode seeds.
 */
import type { DataMap } from './functions/core/data-map.ts';

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
  /** Days the Lambda log groups keep their logs. */
  readonly logRetentionDays: number;
  /**
   * The deletion SLA (P2): purged within `afterPurgeAfter` of purgeAfter, and
   * never later than `outerBound` after it. Each receipt records it as met or
   * missed; the OverdueAccounts alarm fires past `afterPurgeAfter`.
   * @default { afterPurgeAfter: 'P1D', outerBound: 'P30D' }
   */
  readonly deletionSla?: {
    readonly afterPurgeAfter?: string;
    readonly outerBound?: string;
  };
  /** Data exports (P7). */
  readonly exports?: {
    /** Exports an account may ask for in any 24 hours. @default 3 */
    readonly perDay?: number;
    /** How long a download link works, as an ISO-8601 duration. @default PT24H */
    readonly linkExpiry?: string;
  };
  readonly dataMap: DataMap;
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

export const config: LetheConfig = {
  productName: 'Lethe Demo',
  gracePeriod: 'P30D',
  noticeSchedule: ['P7D', 'P1D'],
  sweepInterval: 'PT15M',
  purgeConcurrency: 5,
  notices: {
    sender: 'Lethe Demo <no-reply@example.com>',
    configurationSet: 'lethe-notices',
    supportUrl: 'https://example.com/support',
    backupRetention: 'P35D',
  },
  auditRetention: 'P1095D',
  logRetentionDays: 30,
  exports: { perDay: 3, linkExpiry: 'PT24H' },
  dataMap: {
    profile: {
      store: 'profiles',
      attributes: { email: 'email', name: 'name', locale: 'locale', timeZone: 'timeZone' },
    },
    stores: [
      {
        kind: 'dynamodb-partition',
        name: 'profiles',
        labels: { en: 'your profile', de: 'Ihr Profil' },
        table: 'demo-profiles',
        key: { partitionKey: 'accountId' },
        keyTemplate: '{accountId}',
      },
      {
        kind: 'dynamodb-partition',
        name: 'content',
        labels: { en: 'your posts and notes', de: 'Ihre Beiträge und Notizen' },
        table: 'demo-content',
        key: { partitionKey: 'pk', sortKey: 'sk' },
        keyTemplate: 'USER#{accountId}',
      },
      {
        kind: 'dynamodb-index',
        name: 'sessions',
        labels: { en: 'your sign-in sessions', de: 'Ihre Anmeldesitzungen' },
        table: 'demo-sessions',
        key: { partitionKey: 'sessionId' },
        index: 'byAccount',
        attribute: 'accountId',
      },
      {
        kind: 'dynamodb-index',
        name: 'usage-events',
        table: 'demo-usage-events',
        key: { partitionKey: 'eventId' },
        index: 'byAccount',
        attribute: 'accountId',
      },
      {
        kind: 's3-prefix',
        name: 'uploads',
        labels: { en: 'the files you uploaded', de: 'Ihre hochgeladenen Dateien' },
        bucket: 'demo-uploads',
        prefix: 'uploads/{accountId}/',
      },
      {
        kind: 's3-prefix',
        name: 'thumbnails',
        bucket: 'demo-thumbnails',
        prefix: 'thumbnails/{accountId}/',
      },
    ],
    // The retention schedule (P9): each category kept only this long, for every account. docs/retention.md
    retention: [
      {
        category: 'sessions',
        labels: { en: 'Sign-in sessions (device, IP address)', de: 'Anmeldesitzungen (Gerät, IP-Adresse)' },
        window: 'P30D',
        basis: 'Legitimate interest: keeping accounts secure (GDPR Art. 6(1)(f))',
        stores: [{ store: 'sessions', timeAttribute: 'lastSeenAt' }],
      },
      {
        category: 'usage-events',
        labels: {
          en: 'Usage events (pages visited, features used)',
          de: 'Nutzungsereignisse (besuchte Seiten)',
        },
        window: 'P90D',
        basis: 'Consent: product analytics (GDPR Art. 6(1)(a))',
        stores: [{ store: 'usage-events', timeAttribute: 'at' }],
      },
      {
        category: 'thumbnails',
        labels: { en: 'Thumbnails generated from uploads', de: 'Aus Uploads erzeugte Vorschaubilder' },
        window: 'P7D',
        basis: 'Contract: showing your uploads (GDPR Art. 6(1)(b))',
        stores: [{ store: 'thumbnails' }],
      },
      {
        category: 'access-logs',
        labels: { en: 'Web server access logs', de: 'Zugriffsprotokolle des Webservers' },
        window: 'P14D',
        basis: 'Legitimate interest: operating and securing the service (GDPR Art. 6(1)(f))',
        logGroups: ['/demo/app/access'],
      },
    ],
  },
};
