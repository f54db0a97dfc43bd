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
        table: 'demo-profiles',
        key: { partitionKey: 'accountId' },
        keyTemplate: '{accountId}',
      },
      {
        kind: 'dynamodb-partition',
        name: 'content',
        table: 'demo-content',
        key: { partitionKey: 'pk', sortKey: 'sk' },
        keyTemplate: 'USER#{accountId}',
      },
      {
        kind: 'dynamodb-index',
        name: 'sessions',
        table: 'demo-sessions',
        key: { partitionKey: 'sessionId' },
        index: 'byAccount',
        attribute: 'accountId',
      },
      {
        kind: 's3-prefix',
        name: 'uploads',
        bucket: 'demo-uploads',
        prefix: 'uploads/{accountId}/',
      },
    ],
  },
};
