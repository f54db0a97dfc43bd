/**
 * The example app's configuration: the data map (where the demo app keeps an
 * account's data) and the retention settings. bin/lethe.ts passes it to the
 * Lethe construct (lib/app.ts), which grants each function exactly these
 * resources and hands the configuration to the functions at deploy time;
 * local mode (`npm start`) reads the very same object. Your own app passes
 * its data map and settings as the construct's props instead.
 */
import type { LetheConfig } from './functions/core/config-schema.ts';

export type { LetheConfig, NoticeSettings } from './functions/core/config-schema.ts';

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
        labels: { en: 'your posts', de: 'Ihre Beiträge' },
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
        labels: { en: 'your usage history', de: 'Ihr Nutzungsverlauf' },
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
      // Third parties asked to delete by a signed request, each confirming by its deadline (P5): by calling
      // back, or, for one with a status URL, when Lethe polls it. Local mode sends all three to its fake
      // processor: newsletter confirms after a few seconds, helpdesk answers its status URL "deleted" after as
      // long, analytics never does either.
      {
        kind: 'processor',
        name: 'newsletter',
        deletionUrl: 'https://newsletter.example.com/lethe/deletions',
        deadline: 'P30D',
      },
      {
        kind: 'processor',
        name: 'analytics',
        deletionUrl: 'https://analytics.example.com/v2/erasure',
        deadline: 'P30D',
      },
      {
        kind: 'processor',
        name: 'helpdesk',
        deletionUrl: 'https://helpdesk.example.com/lethe/deletions',
        statusUrl: 'https://helpdesk.example.com/lethe/status',
        deadline: 'P30D',
      },
      {
        kind: 's3-prefix',
        name: 'thumbnails',
        labels: { en: 'thumbnails of your uploads', de: 'Vorschaubilder Ihrer Uploads' },
        bucket: 'demo-thumbnails',
        prefix: 'thumbnails/{accountId}/',
      },
      {
        // Sign-in follows the account: disabled on deactivation, deleted by the purge.
        // In AWS, your pool's id (local mode creates this one in cognito-local).
        kind: 'cognito-user-pool',
        name: 'sign-in',
        labels: { en: 'your sign-in account', de: 'Ihr Anmeldekonto' },
        userPoolId: 'us-east-1_LetheDemo',
        accountIdIs: 'username',
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
        // Derived copies, made again from the upload (which a hold keeps): S3 may expire them by itself,
        // with a lifecycle rule on thumbnails/ (ttl ignores holds; docs/retention.md).
        ttl: true,
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
