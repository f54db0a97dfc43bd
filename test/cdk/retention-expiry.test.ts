/**
 * What AWS expires by itself, set on the host app's own resources where it
 * defines them in the same app (lib/retention-expiry.ts): TTL for `ttl`
 * rules on a Table or TableV2, a lifecycle rule for `ttl` rules on a Bucket,
 * and a log group's retention. Imported resources are left as they are
 * (`lethe verify` and the retention sweeper cover them). cdk-nag stays clean.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, BillingMode, Table, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { Lethe, type LetheProps, type LetheRetentionRule } from '../../lib/lethe.ts';
import { NAG_PACK } from '../../lib/nag.ts';
import {
  type CfnResourceJson,
  logicalIdOf,
  resourcesOf,
  testAppProps,
  type ValidationReport,
} from './synth.ts';

const partitionTable = (stack: Stack, id: string, ttl?: string) =>
  new Table(stack, id, {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...(ttl !== undefined && { timeToLiveAttribute: ttl }),
  });

/** A host app: a profile table, a session table (Table) and an event table (TableV2), buckets, log groups. */
const hostApp = (options: { sessionsTtl?: string } = {}) => {
  const app = new App(testAppProps());
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Shop');
  const profiles = partitionTable(stack, 'Profiles');
  const sessions = partitionTable(stack, 'Sessions', options.sessionsTtl);
  const events = new TableV2(stack, 'Events', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  const audits = Table.fromTableName(stack, 'Audits', 'shop-audits');
  const accessLogs = new Bucket(stack, 'AccessLogs', { enforceSSL: true });
  const thumbnails = new Bucket(stack, 'Thumbnails', {
    enforceSSL: true,
    versioned: true,
    serverAccessLogsBucket: accessLogs,
  });
  const exports = Bucket.fromBucketName(stack, 'Exports', 'shop-exports');
  const webLogs = new LogGroup(stack, 'WebLogs', { removalPolicy: RemovalPolicy.DESTROY });
  const debugLogs = new LogGroup(stack, 'DebugLogs', { retention: RetentionDays.THREE_DAYS });
  const index = (name: string, table: Table | TableV2 | typeof audits) =>
    ({
      kind: 'dynamodb-index',
      name,
      table,
      key: { partitionKey: 'pk' },
      index: 'byAccount',
      attribute: 'accountId',
    }) as const;
  const rule = (category: string, extra: Partial<LetheRetentionRule>): LetheRetentionRule => ({
    category,
    labels: { en: category },
    window: 'P30D',
    ...extra,
  });
  const props: LetheProps = {
    productName: 'Shop',
    auth: { issuer: 'https://auth.shop.example/', audience: ['shop'] },
    notices: { sender: 'Shop <no-reply@shop.example>', supportUrl: 'https://shop.example/help' },
    alarms: { emails: ['ops@shop.example'] },
    dataMap: {
      profile: { store: 'profiles', attributes: { email: 'email' } },
      stores: [
        {
          kind: 'dynamodb-partition',
          name: 'profiles',
          table: profiles,
          key: { partitionKey: 'pk' },
          keyTemplate: '{accountId}',
        },
        index('sessions', sessions),
        index('events', events),
        index('audits', audits),
        {
          kind: 's3-prefix',
          name: 'thumbnails',
          bucket: thumbnails,
          prefix: 'thumbs/{accountId}/',
          versioned: true,
        },
        { kind: 's3-prefix', name: 'exports', bucket: exports, prefix: 'exports/{accountId}/' },
      ],
      retention: [
        rule('sessions', { ttl: true, stores: [{ store: 'sessions', timeAttribute: 'seenAt' }] }),
        rule('events', { ttl: true, window: 'P90D', stores: [{ store: 'events', timeAttribute: 'at' }] }),
        rule('audits', { ttl: true, stores: [{ store: 'audits', timeAttribute: 'at' }] }),
        // Without ttl: held items must stay, so AWS gets no expiry of its own.
        rule('profiles', { stores: [{ store: 'profiles', timeAttribute: 'updatedAt' }] }),
        rule('thumbnails', {
          ttl: true,
          window: 'P6DT12H',
          stores: [{ store: 'thumbnails' }, { store: 'exports' }],
        }),
        rule('web-logs', { window: 'P14D', logGroups: [webLogs, debugLogs, '/shop/elsewhere'] }),
      ],
    },
  };
  const lethe = new Lethe(stack, 'Lethe', props);
  const assembly = app.synth();
  const resources = resourcesOf(Template.fromJSON(assembly.getStackByName('Shop').template));
  const of = (construct: Parameters<typeof logicalIdOf>[0]): CfnResourceJson =>
    resources[logicalIdOf(construct)]!;
  return {
    stack,
    lethe,
    assembly,
    resources,
    of,
    sessions,
    events,
    profiles,
    thumbnails,
    webLogs,
    debugLogs,
  };
};

const reportOf = (directory: string): ValidationReport => {
  const file = join(directory, 'validation-report.json');
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as ValidationReport)
    : { pluginReports: [] };
};

// Arrange (shared): one host app with every kind of resource.
const shop = hostApp();

describe('what AWS expires by itself, on resources the host app defines in the same app', () => {
  it('turns TTL on letheExpiresAt for a ttl rule on a Table and on a TableV2', () => {
    const ttl = { AttributeName: 'letheExpiresAt', Enabled: true };
    expect(shop.of(shop.sessions).Properties.TimeToLiveSpecification).toEqual(ttl);
    expect(shop.of(shop.events).Properties.TimeToLiveSpecification).toEqual(ttl);
    expect(shop.lethe.awsExpiry?.ttlTables).toEqual(['Shop/Sessions', 'Shop/Events']);
  });

  it('leaves a table alone whose rule does not set ttl (holds must win there)', () => {
    expect(shop.of(shop.profiles).Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('adds a lifecycle rule on the prefix, the window rounded up to days, noncurrent versions too', () => {
    const rules = (
      shop.of(shop.thumbnails).Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }
    ).Rules;
    expect(rules).toEqual([
      {
        Id: 'lethe-thumbnails-thumbnails',
        Prefix: 'thumbs/',
        ExpirationInDays: 7,
        NoncurrentVersionExpiration: { NoncurrentDays: 7 },
        Status: 'Enabled',
      },
    ]);
    // The imported bucket has no definition here to change: `lethe verify` checks it.
    expect(shop.lethe.awsExpiry?.lifecycleRules).toEqual(['Shop/Thumbnails: thumbs/ after 7 days']);
  });

  it('holds a log group defined here to the window, and keeps one that is already shorter', () => {
    expect(shop.of(shop.webLogs).Properties.RetentionInDays).toBe(14);
    expect(shop.of(shop.debugLogs).Properties.RetentionInDays).toBe(3);
  });

  it('lets the retention sweeper set every named log group, the defined ones included (it repairs drift)', () => {
    const config = shop.lethe.config.dataMap.retention?.find((r) => r.category === 'web-logs');
    expect(config?.logGroups).toHaveLength(3);
    expect(config?.logGroups?.[2]).toBe('/shop/elsewhere');
  });

  it('synthesizes with cdk-nag AwsSolutions clean', () => {
    const report = reportOf(shop.assembly.directory);
    expect(report.pluginReports.find((r) => r.pluginName === NAG_PACK)).toBeDefined();
    for (const plugin of report.pluginReports) expect(plugin.violations, plugin.pluginName).toEqual([]);
  });

  it('fails synth in one line when a ttl table already expires on another attribute', () => {
    expect(() => hostApp({ sessionsTtl: 'expiresAt' })).toThrow(
      'ERROR Lethe: retention category "sessions" sets ttl, but table Shop/Sessions already has TTL on "expiresAt" and a table has one TTL attribute: drop ttl from the rule, or move the table\'s TTL to letheExpiresAt (Annotation)',
    );
  });
});
